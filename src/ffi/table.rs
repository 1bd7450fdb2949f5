//! Tables: records handed over as named columns of strings, all cells in one call. Used where records are
//! few and their fields many and still growing (trace events, timeline hops): a caller finds a column by its
//! name, so a new column is an addition, not a layout change.

use super::batch::hmf_str_list;
use super::types::hmf_str;

/// `rows` records of `columns.len` cells each, row after row: cell (r, c) is `cells.items[r * columns.len + c]`.
/// Numbers and times are decimal text; times are milliseconds since the Unix epoch (UTC); lists are joined with
/// a line feed. Valid until the handle that gave it is changed or freed.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_table {
    pub columns: hmf_str_list,
    pub cells: hmf_str_list,
    pub rows: usize,
}

/// A table and the memory its view points into.
#[derive(Default)]
pub(crate) struct OwnedTable {
    names: Vec<hmf_str>,
    texts: Vec<String>,
    cells: Vec<hmf_str>,
    rows: usize,
}

impl OwnedTable {
    pub fn new(columns: &[&'static str]) -> OwnedTable {
        OwnedTable {
            names: columns.iter().map(|c| hmf_str::borrow(c)).collect(),
            ..OwnedTable::default()
        }
    }

    /// Adds a row; `row` must have one cell per column.
    pub fn push(&mut self, row: Vec<String>) {
        debug_assert_eq!(row.len(), self.names.len());
        self.rows += 1;
        self.texts.extend(row);
    }

    /// Builds the views; call once all rows are in.
    pub fn seal(&mut self) {
        // A String's bytes do not move when the Vec holding it grows, so borrowing them here is safe as long as
        // the texts live, which is as long as the table does.
        self.cells = self.texts.iter().map(|t| hmf_str::borrow(t)).collect();
    }

    pub fn view(&self) -> hmf_table {
        let list = |items: &[hmf_str]| hmf_str_list {
            items: if items.is_empty() {
                std::ptr::null()
            } else {
                items.as_ptr()
            },
            len: items.len(),
        };
        hmf_table {
            columns: list(&self.names),
            cells: list(&self.cells),
            rows: self.rows,
        }
    }
}
