"""Generating videos from the host's chat: a tool the model calls and an action button under a
message (plugins.py installs both as host rows whose code only imports this package), the shared
path from a chat to a submitted task (bridge.py), and writing the finished task into its message
(delivery.py, run by the poller, so a closed tab or a restart loses nothing)."""
