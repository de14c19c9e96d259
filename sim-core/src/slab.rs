//! A slab of values addressed by generational keys: slots are reused, stale keys are detected.

/// Addresses one value in a [`Slab`]. A key whose value was removed never finds the slot's
/// next occupant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    index: u32,
    generation: u32,
}

impl Key {
    /// The slot's position, for tables indexed alongside the slab (stable while the value lives).
    pub fn index(self) -> usize {
        self.index as usize
    }
}

struct Entry<T> {
    generation: u32,
    value: Option<T>,
}

/// Values of type `T` (requests, connections, attempts) held while in flight, addressed by
/// [`Key`]: a removed value's slot is reused, so memory follows what is in flight.
pub struct Slab<T> {
    entries: Vec<Entry<T>>,
    free: Vec<u32>,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Slab<T> {
    /// An empty slab.
    pub fn new() -> Self {
        Slab {
            entries: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }

    /// Values held now.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no value is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Stores `value`, reusing a freed slot if there is one.
    pub fn insert(&mut self, value: T) -> Key {
        self.len += 1;
        if let Some(index) = self.free.pop() {
            let e = &mut self.entries[index as usize];
            e.value = Some(value);
            return Key {
                index,
                generation: e.generation,
            };
        }
        self.entries.push(Entry {
            generation: 0,
            value: Some(value),
        });
        Key {
            index: (self.entries.len() - 1) as u32,
            generation: 0,
        }
    }

    /// Takes the value out; `None` if `key` is stale.
    pub fn remove(&mut self, key: Key) -> Option<T> {
        let e = self.entries.get_mut(key.index as usize)?;
        if e.generation != key.generation {
            return None;
        }
        let value = e.value.take()?;
        e.generation = e.generation.wrapping_add(1);
        self.free.push(key.index);
        self.len -= 1;
        Some(value)
    }

    /// The value, or `None` if `key` is stale.
    pub fn get(&self, key: Key) -> Option<&T> {
        let e = self.entries.get(key.index as usize)?;
        if e.generation != key.generation {
            return None;
        }
        e.value.as_ref()
    }

    /// The value to change, or `None` if `key` is stale.
    pub fn get_mut(&mut self, key: Key) -> Option<&mut T> {
        let e = self.entries.get_mut(key.index as usize)?;
        if e.generation != key.generation {
            return None;
        }
        e.value.as_mut()
    }

    /// Whether `key` still addresses a value.
    pub fn contains(&self, key: Key) -> bool {
        self.get(key).is_some()
    }
}

impl<T> std::ops::Index<Key> for Slab<T> {
    type Output = T;
    fn index(&self, key: Key) -> &T {
        self.get(key).expect("stale slab key")
    }
}

impl<T> std::ops::IndexMut<Key> for Slab<T> {
    fn index_mut(&mut self, key: Key) -> &mut T {
        self.get_mut(key).expect("stale slab key")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reused_slots_reject_stale_keys() {
        let mut s = Slab::new();
        let a = s.insert("a");
        assert_eq!(s.remove(a), Some("a"));
        let b = s.insert("b");
        assert_eq!(a.index(), b.index(), "the slot is reused");
        assert_eq!(s.get(a), None);
        assert_eq!(s.remove(a), None);
        assert_eq!(s[b], "b");
        assert_eq!(s.len(), 1);
    }
}
