import FuzzDriver

/// A PNG through libpng, to an 8-bit image.
fuzz(.png)
