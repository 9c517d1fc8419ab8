//! Inline SVG for the HTML report, written by hand: a handful of shapes, scales and number
//! formatting. Shapes carry CSS classes and the page's stylesheet colours them, so the markup
//! stays small and the print stylesheet can restyle it. No `xmlns`: SVG inside HTML does not
//! need one, and leaving it out keeps the page free of anything that looks like a URL.

use std::fmt::Write as _;

use super::markup::escape;

/// A coordinate or size as SVG text: one decimal, no trailing `.0`, and `0` for anything that
/// is not a finite number, so odd data can never write `NaN` or `inf` into the markup.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let r = (x * 10.0).round() / 10.0;
    // -0.0 would print as "-0".
    let r = if r == 0.0 { 0.0 } else { r };
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Where text sits relative to its point.
#[derive(Debug, Clone, Copy)]
pub enum Anchor {
    /// Text starts at the point.
    Start,
    /// Text is centred on the point.
    Middle,
    /// Text ends at the point.
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An SVG element being written.
pub struct Svg {
    out: String,
}

impl Svg {
    /// Starts a drawing of `width` × `height` user units; `label` is its accessible name.
    pub fn new(width: f64, height: f64, label: &str) -> Svg {
        let mut out = String::new();
        let _ = write!(
            out,
            r#"<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{l}">"#,
            w = num(width),
            h = num(height),
            l = escape(label)
        );
        Svg { out }
    }

    fn title(&mut self, title: Option<&str>) {
        if let Some(t) = title {
            let _ = write!(self.out, "<title>{}</title>", escape(t));
        }
    }

    /// A rectangle; negative sizes are drawn as empty rather than rejected by the browser.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, class: &str, title: Option<&str>) {
        let _ = write!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" class="{}""#,
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            escape(class)
        );
        self.close("rect", title);
    }

    fn close(&mut self, name: &str, title: Option<&str>) {
        match title {
            Some(_) => {
                self.out.push('>');
                self.title(title);
                let _ = write!(self.out, "</{name}>");
            }
            None => self.out.push_str("/>"),
        }
    }

    /// A straight line.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
        let _ = write!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="{}"/>"#,
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            escape(class)
        );
    }

    /// A circle.
    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, class: &str, title: Option<&str>) {
        let _ = write!(
            self.out,
            r#"<circle cx="{}" cy="{}" r="{}" class="{}""#,
            num(cx),
            num(cy),
            num(r.max(0.0)),
            escape(class)
        );
        self.close("circle", title);
    }

    /// A connected line through `points`; fewer than two points draw nothing.
    pub fn polyline(&mut self, points: &[(f64, f64)], class: &str) {
        self.shape("polyline", 2, points, class);
    }

    /// A closed shape through `points`; fewer than three points draw nothing.
    pub fn polygon(&mut self, points: &[(f64, f64)], class: &str) {
        self.shape("polygon", 3, points, class);
    }

    fn shape(&mut self, tag: &str, at_least: usize, points: &[(f64, f64)], class: &str) {
        if points.len() < at_least {
            return;
        }
        let pts: Vec<String> = points
            .iter()
            .map(|&(x, y)| format!("{},{}", num(x), num(y)))
            .collect();
        let _ = write!(
            self.out,
            r#"<{tag} points="{}" class="{}"/>"#,
            pts.join(" "),
            escape(class)
        );
    }

    /// A path from [`PathData`]; an empty one draws nothing. Many marks of one style in one
    /// element keep dense charts small.
    pub fn path(&mut self, d: &PathData, class: &str) {
        if d.0.is_empty() {
            return;
        }
        let _ = write!(self.out, r#"<path d="{}" class="{}"/>"#, d.0, escape(class));
    }

    /// Text, escaped.
    pub fn text(&mut self, x: f64, y: f64, anchor: Anchor, class: &str, text: &str) {
        let _ = write!(
            self.out,
            r#"<text x="{}" y="{}" text-anchor="{}" class="{}">{}</text>"#,
            num(x),
            num(y),
            anchor.as_str(),
            escape(class),
            escape(text)
        );
    }

    /// Closes the element and returns its markup.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// Path data built from numbers only (so it needs no escaping).
#[derive(Debug, Clone, Default)]
pub struct PathData(String);

impl PathData {
    /// A rectangle as a closed subpath.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64) {
        let _ = write!(
            self.0,
            "M{} {}h{}v{}h{}z",
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            num(-w.max(0.0))
        );
    }

    /// A vertical segment from (x, y) by `dy`.
    pub fn vline(&mut self, x: f64, y: f64, dy: f64) {
        let _ = write!(self.0, "M{} {}v{}", num(x), num(y), num(dy));
    }
}

/// Maps a value onto 0..1 of an axis, linearly or logarithmically; values outside the domain
/// (and, on a log axis, zero and below) are clamped to its ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// `lo..hi` linearly.
    Linear {
        /// Domain start.
        lo: f64,
        /// Domain end.
        hi: f64,
    },
    /// `lo..hi` on a log axis (both above zero).
    Log {
        /// Domain start.
        lo: f64,
        /// Domain end.
        hi: f64,
    },
}

impl Scale {
    /// The position of `v` as a fraction of the axis, always within 0..=1.
    pub fn frac(&self, v: f64) -> f64 {
        let f = match *self {
            Scale::Linear { lo, hi } => (v - lo) / (hi - lo),
            Scale::Log { lo, hi } => {
                if v <= 0.0 {
                    0.0
                } else {
                    (v / lo).ln() / (hi / lo).ln()
                }
            }
        };
        if f.is_finite() { f.clamp(0.0, 1.0) } else { 0.0 }
    }

    /// The domain's ends.
    pub fn domain(&self) -> (f64, f64) {
        match *self {
            Scale::Linear { lo, hi } | Scale::Log { lo, hi } => (lo, hi),
        }
    }

    /// Whether `v` lies within the domain (inclusive).
    pub fn contains(&self, v: f64) -> bool {
        let (lo, hi) = self.domain();
        v >= lo && v <= hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_finite_and_short() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.25), "1.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(f64::INFINITY), "0");
        assert_eq!(num(-12.34), "-12.3");
    }

    #[test]
    fn scales_clamp_and_survive_degenerate_domains() {
        let lin = Scale::Linear { lo: 0.0, hi: 10.0 };
        assert_eq!(lin.frac(5.0), 0.5);
        assert_eq!(lin.frac(-3.0), 0.0);
        assert_eq!(lin.frac(30.0), 1.0);
        let log = Scale::Log { lo: 1.0, hi: 100.0 };
        assert!((log.frac(10.0) - 0.5).abs() < 1e-12);
        assert_eq!(log.frac(0.0), 0.0);
        assert_eq!(Scale::Linear { lo: 1.0, hi: 1.0 }.frac(1.0), 0.0);
        assert_eq!(Scale::Log { lo: 1.0, hi: 1.0 }.frac(f64::NAN), 0.0);
    }

    #[test]
    fn titles_close_their_element_and_text_is_escaped() {
        let mut s = Svg::new(10.0, 10.0, "a <b>");
        s.rect(0.0, 0.0, -1.0, 2.0, "x", Some("t<i>"));
        s.circle(1.0, 1.0, 1.0, "c", Some("q\"q"));
        s.text(0.0, 0.0, Anchor::Start, "t", "<script>");
        let out = s.finish();
        assert!(out.contains(r#"width="0" height="2" class="x"><title>t&lt;i&gt;</title></rect>"#));
        assert!(out.contains("<title>q&quot;q</title></circle>"));
        assert!(out.contains("&lt;script&gt;</text>"));
        assert!(out.contains(r#"aria-label="a &lt;b&gt;""#));
        assert!(!out.contains("<script"));
    }

    #[test]
    fn paths_are_numbers_only() {
        let mut d = PathData::default();
        d.rect(1.0, 2.0, 3.0, f64::NAN);
        d.vline(5.0, 6.0, -7.25);
        assert_eq!(d.0, "M1 2h3v0h-3zM5 6v-7.3");
        let mut s = Svg::new(1.0, 1.0, "");
        s.path(&PathData::default(), "x");
        s.polygon(&[(0.0, 0.0), (1.0, 1.0)], "x");
        assert!(!s.finish().contains("<path"), "empty shapes are not drawn");
    }
}
