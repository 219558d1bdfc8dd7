"""Security: permission names, roles, the custom security manager and row scope."""
