"""The office's work, one feature a package: each owns its models, its service functions (the database session
passed as a keyword argument) and its own audit entries, so the CLI and the HTTP routes that call the same
function behave the same. ``api/`` is only transport: it parses, authorises, calls one service and renders."""
