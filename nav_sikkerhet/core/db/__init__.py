def prepared_cursor(connection):
    """A cursor whose statements are planned once per connection on this project's PostgreSQL backend (base.py);
    a plain cursor on any other (SQLite in development)."""
    make = getattr(connection, "prepared_cursor", None)
    return make() if make is not None else connection.cursor()
