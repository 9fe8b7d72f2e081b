//! Pieces of pages. They receive their state and never call the API themselves.

mod confirm;
mod cron_builder;
mod el_input;
mod find;
mod history;
mod issues;
mod modal;
mod palette;
mod properties;
mod property_table;
mod shortcuts;
mod theme;
mod xml_view;

pub use confirm::{Confirm, Pending};
pub use cron_builder::CronBuilder;
pub use el_input::ElField;
pub use find::Find;
pub use history::{History, HistoryProps};
pub use issues::Issues;
pub use modal::Modal;
pub use palette::Palette;
pub use properties::Properties;
pub use property_table::{PropertyTable, Values};
pub use shortcuts::Shortcuts;
pub use theme::{LanguageSwitch, ThemeSwitch};
pub use xml_view::XmlView;
