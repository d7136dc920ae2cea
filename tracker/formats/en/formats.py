# `30 Apr 2025`: day first and no comma, readable on both sides of the Atlantic.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
