// The Python backend (the quick start's app.py, on port 8000) answers /pandium/* and the development
// sign-in: Next forwards both there, so the frame, the session cookie and the mint stay on the page's
// own origin. Rewrites are read at build time: build with the backend's URL of that environment.
const backend = process.env.BACKEND_URL ?? "http://127.0.0.1:8000";

export default {
  async rewrites() {
    return [
      { source: "/pandium/:path*", destination: `${backend}/pandium/:path*` },
      { source: "/dev/:path*", destination: `${backend}/dev/:path*` },
    ];
  },
};
