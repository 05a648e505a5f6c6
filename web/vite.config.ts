import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The AppHost injects the ApiService's address (service discovery) and the port to listen on.
const apiTarget = process.env.services__api__http__0 ?? 'http://localhost:8080';
const apiPaths = ['/status', '/register-agent', '/agents', '/tools', '/tool-sources', '/tasks', '/execute-task', '/logs', '/schemas', '/openapi', '/mcp'];

export default defineConfig({
  plugins: [react()],
  server: {
    port: Number(process.env.PORT ?? 5173),
    strictPort: true,
    // The browser sees one origin: API calls go to the ApiService through this proxy.
    proxy: Object.fromEntries(apiPaths.map((path) => [path, { target: apiTarget, changeOrigin: true }])),
  },
  test: {
    environment: 'node',
  },
});
