"""A local stand-in for the Veo task relay: same wire format, real MP4 files, scriptable faults."""
