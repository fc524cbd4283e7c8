"""A release as text: loading files of every supported format into one normalised text,
and the structure of that text (title, dateline, body, boilerplate)."""
