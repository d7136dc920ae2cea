# `30 квіт. 2025`: "N" is the abbreviated month, translated in tracker/locale.
DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
