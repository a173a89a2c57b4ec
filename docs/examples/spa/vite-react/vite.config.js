import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The Python backend (the quick start's app.py, on port 8000) answers /pandium/* and the development
// sign-in: the dev server forwards both, so the frame, the session cookie and the mint are all on the
// page's own origin.
const backend = process.env.BACKEND_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, proxy: { "/pandium": backend, "/dev": backend } },
  preview: { port: 5173, proxy: { "/pandium": backend, "/dev": backend } },
});
