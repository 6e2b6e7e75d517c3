//! Formatters kept per thread and key: building an ICU4X formatter from its compiled data costs
//! more than formatting a value with it, and every email of a template asks for the same ones.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Most formatters a thread keeps (of all kinds); past it, the cache starts again.
const MAX_KEPT: usize = 256;

thread_local! {
    static KEPT: RefCell<HashMap<(TypeId, String), Rc<dyn Any>>> = RefCell::new(HashMap::new());
}

/// The formatter of type `T` for `key` (e.g. `en-GB|GBP|symbol`), built with `build` the first
/// time this thread asks for it. A failed build is not kept.
pub(super) fn formatter<T: 'static, E>(
    key: String,
    build: impl FnOnce() -> Result<T, E>,
) -> Result<Rc<T>, E> {
    let id = (TypeId::of::<T>(), key);
    let kept = KEPT.with(|kept| kept.borrow().get(&id).cloned());
    if let Some(found) = kept.and_then(|any| any.downcast::<T>().ok()) {
        return Ok(found);
    }
    let built = Rc::new(build()?);
    KEPT.with(|kept| {
        let mut kept = kept.borrow_mut();
        if kept.len() >= MAX_KEPT {
            kept.clear();
        }
        kept.insert(id, built.clone() as Rc<dyn Any>);
    });
    Ok(built)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_once_per_key_and_type() {
        let mut builds = 0;
        let mut get = |key: &str| {
            formatter::<String, ()>(key.into(), || {
                builds += 1;
                Ok(format!("built {key}"))
            })
            .unwrap()
        };
        assert_eq!(*get("a"), "built a");
        assert_eq!(*get("a"), "built a");
        assert_eq!(*get("b"), "built b");
        assert_eq!(builds, 2);
        // the same key for another type is another formatter
        let other = formatter::<u32, ()>("a".into(), || Ok(7)).unwrap();
        assert_eq!(*other, 7);
    }

    #[test]
    fn a_failed_build_is_not_kept() {
        assert!(formatter::<u8, &str>("x".into(), || Err("no data")).is_err());
        assert_eq!(*formatter::<u8, &str>("x".into(), || Ok(1)).unwrap(), 1);
    }
}
