"""Flask blueprints: thin layers that parse requests, call services and render."""
