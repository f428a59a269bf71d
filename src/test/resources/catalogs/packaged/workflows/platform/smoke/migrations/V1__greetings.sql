CREATE TABLE greetings (id SERIAL PRIMARY KEY, text VARCHAR(80) NOT NULL);
INSERT INTO greetings (text) VALUES ('hello');
