//! Pieces of the editor. They receive the editor state and never call the API themselves.

mod history;
mod issues;
mod palette;
mod properties;

pub use history::History;
pub use issues::Issues;
pub use palette::Palette;
pub use properties::Properties;
