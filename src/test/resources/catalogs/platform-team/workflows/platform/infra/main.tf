# the fake terraform does not read this; a real one would
