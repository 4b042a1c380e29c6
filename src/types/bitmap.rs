//! Bitmaps: bit-level operations on strings (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD).
