"""The SQL of muse (schema migrations, views, named queries), shipped as package data of `muse_sql`."""
