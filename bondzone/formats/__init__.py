"""Date and number formats per language (settings.FORMAT_MODULE_PATH): one date format in each language,
used wherever a page shows a date without naming a format (`{{ d }}`, `{{ d|date }}`,
`{{ t|date:"DATETIME_FORMAT" }}`). Dates are ISO 8601 in both languages, the form customs documents and
date inputs use, so a date copied from a page can be typed back into a form."""
