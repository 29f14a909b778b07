"""Running the platform for years (issue #19): backups that restore, logs and metrics, health checks and the
scheduled work, in one place an operator can find."""
