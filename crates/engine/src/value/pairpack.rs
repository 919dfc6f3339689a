//! A packed list of byte-string pairs in one buffer, like Redis's listpack for small hashes:
//! each string is stored as a LEB128 length and its bytes, a field followed by its value.
//! One allocation per collection and two length bytes of overhead per short string, instead
//! of a heap box per field and value. Lookups scan linearly, which is what Redis does too and
//! is cheap at the sizes the encoding thresholds allow.

#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct PairPack {
    buf: Vec<u8>,
    pairs: usize,
}

use super::varint::{read_bytes as entry, write_bytes as write_entry};

impl PairPack {
    /// Bytes of the packed buffer.
    pub fn heap_bytes(&self) -> usize {
        self.buf.capacity()
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.pairs
    }

    pub fn is_empty(&self) -> bool {
        self.pairs == 0
    }

    /// Pairs in insertion order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            buf: &self.buf,
            pos: 0,
        }
    }

    /// Where the pair with this field starts and ends, and where its value starts.
    fn find(&self, field: &[u8]) -> Option<(usize, usize, usize)> {
        let mut pos = 0;
        while pos < self.buf.len() {
            let (f, value_at) = entry(&self.buf, pos);
            let (_, end) = entry(&self.buf, value_at);
            if f == field {
                return Some((pos, value_at, end));
            }
            pos = end;
        }
        None
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        let (_, value_at, _) = self.find(field)?;
        Some(entry(&self.buf, value_at).0)
    }

    /// Sets a field's value in place or appends the pair; true when the field is new.
    pub fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        let mut encoded = Vec::with_capacity(value.len() + 2);
        write_entry(&mut encoded, value);
        match self.find(field) {
            Some((_, value_at, end)) => {
                self.buf.splice(value_at..end, encoded);
                self.buf.shrink_to_fit();
                false
            }
            None => {
                self.buf.reserve_exact(field.len() + encoded.len() + 2);
                write_entry(&mut self.buf, field);
                self.buf.extend_from_slice(&encoded);
                self.pairs += 1;
                true
            }
        }
    }

    /// Removes a pair; true when it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self.find(field) {
            Some((start, _, end)) => {
                self.buf.drain(start..end);
                self.buf.shrink_to_fit();
                self.pairs -= 1;
                true
            }
            None => false,
        }
    }

    /// The `i`th pair (0-based) in insertion order.
    pub fn nth(&self, i: usize) -> Option<(&[u8], &[u8])> {
        self.iter().nth(i)
    }
}

pub struct Iter<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let (f, value_at) = entry(self.buf, self.pos);
        let (v, end) = entry(self.buf, value_at);
        self.pos = end;
        Some((f, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_an_ordered_map() {
        let mut p = PairPack::default();
        let mut model: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let mut r = crate::rng::Rng::new(11);
        for _ in 0..3000 {
            let f = format!("f{}", r.below(30)).into_bytes();
            let v = vec![b'x'; r.below(300) as usize];
            if r.below(4) == 0 {
                let had = model.iter().position(|(k, _)| *k == f);
                assert_eq!(p.remove(&f), had.is_some());
                if let Some(i) = had {
                    model.remove(i);
                }
            } else {
                let had = model.iter().position(|(k, _)| *k == f);
                assert_eq!(p.set(&f, &v), had.is_none());
                match had {
                    Some(i) => model[i].1 = v,
                    None => model.push((f, v)),
                }
            }
            assert_eq!(p.len(), model.len());
        }
        let got: Vec<_> = p.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect();
        assert_eq!(got, model);
        for (i, (f, v)) in model.iter().enumerate() {
            assert_eq!(p.get(f), Some(&v[..]));
            assert_eq!(p.nth(i), Some((&f[..], &v[..])));
        }
        assert_eq!(p.get(b"absent"), None);
    }
}
