//! A minimal unsigned big integer for exact float parsing and printing (`ldouble`); sizes
//! are bounded by the callers' input limits.

use std::cmp::Ordering;

/// A minimal unsigned big integer (little-endian 64-bit limbs), sized by the input limits.
#[derive(Clone, Debug)]
pub(crate) struct Big(Vec<u64>);

impl Big {
    pub(crate) fn from_u64(v: u64) -> Big {
        let mut b = Big(vec![v]);
        b.trim();
        b
    }

    pub(crate) fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    pub(crate) fn pow10(n: usize) -> Big {
        let mut b = Big::from_u64(1);
        for _ in 0..n / 19 {
            b.mul_add(10_000_000_000_000_000_000, 0);
        }
        b.mul_add(10u64.pow((n % 19) as u32), 0);
        b
    }

    /// self = self * m + a
    pub(crate) fn mul_add(&mut self, m: u64, a: u64) {
        let mut carry = a as u128;
        for limb in self.0.iter_mut() {
            let v = *limb as u128 * m as u128 + carry;
            *limb = v as u64;
            carry = v >> 64;
        }
        if carry != 0 {
            self.0.push(carry as u64);
        }
        self.trim();
    }

    pub(crate) fn mul(&self, o: &Big) -> Big {
        let mut r = vec![0u64; self.0.len() + o.0.len()];
        for (i, &x) in self.0.iter().enumerate() {
            let mut carry = 0u128;
            for (j, &y) in o.0.iter().enumerate() {
                let v = r[i + j] as u128 + x as u128 * y as u128 + carry;
                r[i + j] = v as u64;
                carry = v >> 64;
            }
            r[i + o.0.len()] = carry as u64;
        }
        let mut b = Big(r);
        b.trim();
        b
    }

    pub(crate) fn add(&self, o: &Big) -> Big {
        let n = self.0.len().max(o.0.len());
        let mut r = Vec::with_capacity(n + 1);
        let mut carry = 0u128;
        for i in 0..n {
            let v =
                *self.0.get(i).unwrap_or(&0) as u128 + *o.0.get(i).unwrap_or(&0) as u128 + carry;
            r.push(v as u64);
            carry = v >> 64;
        }
        r.push(carry as u64);
        let mut b = Big(r);
        b.trim();
        b
    }

    /// self - o, for self >= o.
    pub(crate) fn sub(&self, o: &Big) -> Big {
        let mut r = self.0.clone();
        let mut borrow = 0u64;
        for (i, limb) in r.iter_mut().enumerate() {
            let y = *o.0.get(i).unwrap_or(&0);
            let (v1, b1) = limb.overflowing_sub(y);
            let (v2, b2) = v1.overflowing_sub(borrow);
            *limb = v2;
            borrow = (b1 || b2) as u64;
        }
        let mut b = Big(r);
        b.trim();
        b
    }

    pub(crate) fn shl(&self, n: usize) -> Big {
        if self.0.is_empty() {
            return self.clone();
        }
        let (limbs, bits) = (n / 64, (n % 64) as u32);
        let mut r = vec![0u64; limbs];
        let mut carry = 0u64;
        for &x in &self.0 {
            r.push((x << bits) | carry);
            carry = if bits == 0 { 0 } else { x >> (64 - bits) };
        }
        r.push(carry);
        let mut b = Big(r);
        b.trim();
        b
    }

    pub(crate) fn bitlen(&self) -> usize {
        match self.0.last() {
            None => 0,
            Some(&top) => self.0.len() * 64 - top.leading_zeros() as usize,
        }
    }

    pub(crate) fn bit(&self, i: usize) -> bool {
        self.0
            .get(i / 64)
            .is_some_and(|&l| (l >> (i % 64)) & 1 == 1)
    }

    /// True when any bit below position `i` is set.
    pub(crate) fn any_below(&self, i: usize) -> bool {
        let (limbs, bits) = (i / 64, i % 64);
        self.0.iter().take(limbs).any(|&l| l != 0)
            || (bits > 0
                && self
                    .0
                    .get(limbs)
                    .is_some_and(|&l| l & ((1u64 << bits) - 1) != 0))
    }

    /// The 64 bits starting at bit `s`.
    pub(crate) fn bits_from(&self, s: usize) -> u64 {
        let (limb, off) = (s / 64, (s % 64) as u32);
        let lo = *self.0.get(limb).unwrap_or(&0) >> off;
        let hi = if off == 0 {
            0
        } else {
            *self.0.get(limb + 1).unwrap_or(&0) << (64 - off)
        };
        lo | hi
    }

    pub(crate) fn low_u64(&self) -> u64 {
        *self.0.first().unwrap_or(&0)
    }

    pub(crate) fn cmp(&self, o: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&o.0.len())
            .then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }

    /// Quotient and whether the remainder is nonzero, by binary long division (the quotients
    /// needed here are about 66 bits, so this is a few dozen subtractions).
    pub(crate) fn div(&self, d: &Big) -> (Big, bool) {
        let mut rem = self.clone();
        let mut q = Big(Vec::new());
        if self.bitlen() >= d.bitlen() {
            let top = self.bitlen() - d.bitlen();
            q = Big(vec![0; top / 64 + 1]);
            for i in (0..=top).rev() {
                let ds = d.shl(i);
                if rem.cmp(&ds) != Ordering::Less {
                    rem = rem.sub(&ds);
                    q.0[i / 64] |= 1 << (i % 64);
                }
            }
            q.trim();
        }
        (q, !rem.0.is_empty())
    }

    pub(crate) fn to_decimal(&self) -> String {
        let mut limbs = self.0.clone();
        let mut chunks = Vec::new();
        while !limbs.is_empty() {
            let mut rem = 0u128;
            for l in limbs.iter_mut().rev() {
                let v = (rem << 64) | *l as u128;
                *l = (v / 10_000_000_000_000_000_000) as u64;
                rem = v % 10_000_000_000_000_000_000;
            }
            while limbs.last() == Some(&0) {
                limbs.pop();
            }
            chunks.push(rem as u64);
        }
        let mut s = chunks.pop().map_or("0".to_string(), |c| c.to_string());
        for c in chunks.iter().rev() {
            s.push_str(&format!("{:019}", c));
        }
        s
    }
}
