//! The data quality section: what was read, left out and not attributed.

use std::fmt::Write as _;

use crate::metrics::Summary;
use crate::report::markup::escape;

pub(super) fn quality(o: &mut String, s: &Summary) {
    o.push_str("<section>\n<h2>Data quality</h2>\n<ul>\n");
    for line in crate::report::summary::quality_lines(s) {
        let class = if line.starts_with("note: ") {
            " class=\"warn\""
        } else {
            ""
        };
        let _ = writeln!(o, "<li{class}>{}</li>", escape(&line));
    }
    o.push_str("</ul>\n</section>\n");
}
