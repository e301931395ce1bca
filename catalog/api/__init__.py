"""The platform REST API (DRF): catalog data for everyone, entry management for publishers."""
