//! Iterators over a [`Dict`]: both tables in bucket order, following each
//! chain. Borrowing iterators freeze the dict, so no rehashing can happen
//! underneath them.

use super::{Dict, Link, Node, Table};
use std::iter::Chain;
use std::slice;

/// Buckets of table 0 followed by table 1.
type Both<I> = Chain<I, I>;

/// Shared iterator, from [`Dict::iter`].
pub struct Iter<'a, K, V> {
    buckets: Both<slice::Iter<'a, Link<K, V>>>,
    cur: Option<&'a Node<K, V>>,
    left: usize,
}

impl<'a, K: AsRef<[u8]>, V> Iter<'a, K, V> {
    pub(super) fn new(d: &'a Dict<K, V>) -> Self {
        Iter {
            buckets: d.tables[0].buckets.iter().chain(d.tables[1].buckets.iter()),
            cur: None,
            left: d.len(),
        }
    }
}

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(node) = self.cur {
                self.cur = node.next.as_deref();
                self.left = self.left.saturating_sub(1);
                return Some((&node.key, &node.value));
            }
            self.cur = self.buckets.next()?.as_deref();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

/// Iterator with mutable values, from [`Dict::iter_mut`].
pub struct IterMut<'a, K, V> {
    buckets: Both<slice::IterMut<'a, Link<K, V>>>,
    cur: Option<&'a mut Node<K, V>>,
    left: usize,
}

impl<'a, K: AsRef<[u8]>, V> IterMut<'a, K, V> {
    pub(super) fn new(d: &'a mut Dict<K, V>) -> Self {
        let left = d.len();
        let [t0, t1] = &mut d.tables;
        IterMut {
            buckets: t0.buckets.iter_mut().chain(t1.buckets.iter_mut()),
            cur: None,
            left,
        }
    }
}

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(node) = self.cur.take() {
                let Node { key, value, next } = node;
                self.cur = next.as_deref_mut();
                self.left = self.left.saturating_sub(1);
                return Some((&*key, value));
            }
            self.cur = self.buckets.next()?.as_deref_mut();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<K, V> ExactSizeIterator for IterMut<'_, K, V> {}

/// Owning iterator, from [`Dict::drain`] or `into_iter`.
pub struct IntoIter<K, V> {
    buckets: Both<std::vec::IntoIter<Link<K, V>>>,
    cur: Link<K, V>,
    left: usize,
}

impl<K, V> IntoIter<K, V> {
    pub(super) fn new(tables: [Table<K, V>; 2]) -> Self {
        let [t0, t1] = tables;
        IntoIter {
            left: t0.used + t1.used,
            buckets: t0.buckets.into_iter().chain(t1.buckets),
            cur: None,
        }
    }
}

impl<K, V> Iterator for IntoIter<K, V> {
    type Item = (K, V);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(node) = self.cur.take() {
                let Node { key, value, next } = *node;
                self.cur = next;
                self.left = self.left.saturating_sub(1);
                return Some((key, value));
            }
            self.cur = self.buckets.next()?;
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<K, V> ExactSizeIterator for IntoIter<K, V> {}

impl<K: AsRef<[u8]>, V> IntoIterator for Dict<K, V> {
    type Item = (K, V);
    type IntoIter = IntoIter<K, V>;

    fn into_iter(mut self) -> IntoIter<K, V> {
        self.drain()
    }
}

impl<'a, K: AsRef<[u8]>, V> IntoIterator for &'a Dict<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Iter<'a, K, V> {
        self.iter()
    }
}

impl<'a, K: AsRef<[u8]>, V> IntoIterator for &'a mut Dict<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;

    fn into_iter(self) -> IterMut<'a, K, V> {
        self.iter_mut()
    }
}

impl<K: AsRef<[u8]>, V> FromIterator<(K, V)> for Dict<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut d = Dict::new();
        d.extend(iter);
        d
    }
}

impl<K: AsRef<[u8]>, V> Extend<(K, V)> for Dict<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}
