"""The demo's HogQL subset: parser, compiler to SQLite SQL, and the engine that runs it."""
