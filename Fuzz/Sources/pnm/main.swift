import FuzzDriver

/// A PGM or PPM image, binary or plain text.
fuzz(.pnm)
