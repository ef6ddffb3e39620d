"""Leadership Reader: an offline desktop reader for the GMC guidance
*Leadership and management for all doctors* (2012)."""

__version__ = "0.1.0"
APP_NAME = "Leadership Reader"
APP_ID = "leadership-reader"
