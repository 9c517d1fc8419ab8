//! Escaping text for HTML and SVG markup: the one place text from git and the exports
//! becomes markup, shared by the page (`html`) and the charts (`svg`).

/// Escapes text for HTML element content and quoted attribute values. Control characters
/// other than tab and newline become U+FFFD: they are not allowed in HTML text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}
