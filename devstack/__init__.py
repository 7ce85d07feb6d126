"""Start the real stack (relay simulator + Open WebUI with the module) for the demo and the tests."""
