"""Jiayuan (家园): a property-service management system."""
