//! Pinning through an array: the elements of a pinned array are pinned (structural pinning).

use core::pin::Pin;

/// The pinned elements of a pinned slice.
pub(crate) fn each<T>(slice: Pin<&mut [T]>) -> impl Iterator<Item = Pin<&mut T>> {
    // SAFETY: the elements are never moved out of the slice (the iterator hands out only
    // `Pin<&mut T>`s, and nothing here swaps or moves them): a pinned slice's elements stay
    // where they are until dropped in place, which is structural pinning.
    let slice = unsafe { slice.get_unchecked_mut() };
    slice.iter_mut().map(|t| {
        // SAFETY: `t` is an element of a pinned slice, which is never moved (above).
        unsafe { Pin::new_unchecked(t) }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_element_of_a_pinned_array_in_order() {
        let mut a = [1u32, 2, 3];
        let pinned = core::pin::Pin::new(&mut a[..]);
        for (i, x) in super::each(pinned).enumerate() {
            *x.get_mut() += 10 * i as u32;
        }
        assert_eq!(a, [1, 12, 23]);
    }
}
