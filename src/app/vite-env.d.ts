// Vite's ambient types: CSS and asset imports, `import.meta.env`, `?worker` / `?url` suffixes.
/// <reference types="vite/client" />
