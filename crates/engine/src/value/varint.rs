//! LEB128 lengths for the packed small-collection buffers (`pairpack`, `scorepack`): one byte
//! for lengths under 128, which is almost every field and member.

/// Reads a length-prefixed byte string at `pos`: the bytes and the position after them.
pub fn read_bytes(buf: &[u8], mut pos: usize) -> (&[u8], usize) {
    let mut len = 0usize;
    let mut shift = 0;
    loop {
        let b = buf[pos];
        pos += 1;
        len |= ((b & 0x7f) as usize) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    (&buf[pos..pos + len], pos + len)
}

/// Appends `bytes` with its length prefix.
pub fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut len = bytes.len();
    loop {
        let low = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            out.push(low);
            break;
        }
        out.push(low | 0x80);
    }
    out.extend_from_slice(bytes);
}

/// Bytes `write_bytes` takes for `len` bytes of payload.
pub fn encoded_len(len: usize) -> usize {
    let mut n = len;
    let mut prefix = 1;
    while n >= 0x80 {
        n >>= 7;
        prefix += 1;
    }
    prefix + len
}
