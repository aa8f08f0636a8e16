"""The school year's life in local mode: `import` (sync.mis), `new-year`, `forget` and `export`.
These are the commands that touch files people own; each keeps a copy of what it changes."""
