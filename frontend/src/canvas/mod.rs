//! The workflow canvas. `geometry`, `drag` and `compare` are pure (no DOM) and tested
//! natively; `view` is the only part that touches SVG and pointer events.

pub mod compare;
pub mod drag;
pub mod geometry;
mod view;

pub(crate) use view::{begin as begin_gesture, measure};

pub use view::{Canvas, Minimap, Still, ZoomControls};
