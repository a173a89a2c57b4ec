import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

const backend = process.env.BACKEND_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [svelte()],
  server: { port: 5173, proxy: { "/pandium": backend, "/dev": backend } },
  preview: { port: 5173, proxy: { "/pandium": backend, "/dev": backend } },
});
