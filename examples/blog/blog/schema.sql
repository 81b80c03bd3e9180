-- The blog's schema. `flask --app blog init-db` (or `veloce --app blog init-db`)
-- drops and recreates both tables.
DROP TABLE IF EXISTS post;
DROP TABLE IF EXISTS author;

CREATE TABLE author (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT UNIQUE NOT NULL,
  password_hash TEXT NOT NULL
);

CREATE TABLE post (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  author_id INTEGER NOT NULL REFERENCES author (id),
  published TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  title TEXT NOT NULL,
  body TEXT NOT NULL
);
