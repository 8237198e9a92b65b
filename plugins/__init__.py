"""Built-in muse plugins: one module (or package) per plugin, each implementing muse hooks."""
