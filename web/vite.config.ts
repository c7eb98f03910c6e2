import { defineConfig } from "vite";

// `vite build web` (npm run build:web): one offline bundle in web/dist, served by the API at `/`.
export default defineConfig({
  // Relative URLs: the page works wherever the API is mounted.
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Not Vite's default `assets/`: `/assets/{id}` is an API route.
    assetsDir: "static",
    target: "es2022",
  },
});
