//! HTML: read with html5ever's HTML5 parser (into scraper's tree), so a malformed page
//! (unclosed `<p>` and `<li>`, stray end tags, character references) reads as a browser
//! shows it. The tree is walked three times, each pass linear:
//!
//! 1. which ids are footnotes: targets of `<a href="#id">` links that read as reference
//!    markers (`1`, `[2]`) or sit in a `<sup>`;
//! 2. what each element contains (main content, footnotes, tables, headings; how much of
//!    its text is link text), to decide what is navigation and what is a layout table;
//! 3. the blocks themselves.
//!
//! Rules chosen here, for the next reader:
//! - `<br>`: inside a `<p>` one `<br>` is a space (a line wrapped for layout) and two or
//!   more in a row end the paragraph; in loose text (a `<div>`, `<td>` of a layout table,
//!   `<dd>`…) every `<br>` ends one, since each visually separate line of copy should be
//!   its own paragraph. Inside headings, list items and table cells it is a space.
//! - A list item, heading, footnote or table cell is one block: block elements inside it
//!   (`<p>`, `<div>`) are flattened with a space. A nested `<ul>`/`<ol>` (or `<table>`)
//!   inside a list item is read as its own blocks, after the item.
//! - A table containing another table, a heading, or `role="presentation"` is a layout
//!   table: its cells are read as loose text, not as rows.
//! - Navigation is dropped (`nav`, `role=navigation|search|menubar|contentinfo`,
//!   `footer`, link-heavy `aside`, class or id tokens such as `nav`, `breadcrumb`,
//!   `cookie`, `sidebar`; `menu`, `share`, `social`, `sns` only when mostly links), but
//!   an element that holds the page's main content (`main`, `article`, `h1`) or a
//!   footnote is kept whatever its class. `header` / `role=banner` is kept: hero copy
//!   lives there, and its `nav` is dropped on its own.
//! - A `<form>` is dropped unless it wraps the main content (ASP.NET pages put the whole
//!   page in one); its controls are dropped either way. A `<dialog>` without `open` is not
//!   shown, so it is dropped.
//! - Image `alt` text is not read: it is not copy a visitor reads as a sentence.
//! - Footnote back-links (`↩`, `^`, `role=doc-backlink`) are dropped.
//! - `line` is exact for text: the tokenizer reports the line where each run of text
//!   ends, and the sink counts back the line breaks after its first visible character.
//!   (Text the parser moves out of a table, which is rare, gets the line of the tag
//!   that moved it.) Lines end at `\n`, `\r\n` or a lone `\r`, as in html5ever.

pub(super) mod inline;

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::{ElementRef, Html, HtmlTreeSink, Node};

use self::inline::{TextBuilder, reference_marker};
use crate::draft::blocks::{Block, BlockKind, Link, table_row_text};

/// The parser's handle for a node of scraper's tree.
type NodeId = <HtmlTreeSink as TreeSink>::Handle;

/// Reads an HTML page into blocks, in reading order.
pub fn read(source: &str) -> Vec<Block> {
    let page = parse(source);
    let targets = find_footnote_targets(&page.html);
    let contents = survey(&page.html, &targets);
    let mut reader = Reader::new(&page, &targets, &contents);
    walk(&page.html, &mut reader);
    reader.finish()
}

// ---------------------------------------------------------------------------------------
// Parsing, with lines.

struct ParsedPage {
    html: Html,
    /// For each text node with visible text: the line of its first visible character.
    text_lines: HashMap<NodeId, usize>,
}

fn parse(source: &str) -> ParsedPage {
    let sink = LineSink {
        tree: HtmlTreeSink::new(Html::new_document()),
        line: Cell::new(1),
        text_lines: RefCell::default(),
    };
    html5ever::driver::parse_document(sink, Default::default()).one(source)
}

/// scraper's tree sink, plus the line of every run of text. html5ever tells the sink the
/// current line before each token; scraper ignores it.
struct LineSink {
    tree: HtmlTreeSink,
    line: Cell<usize>,
    text_lines: RefCell<HashMap<NodeId, usize>>,
}

impl LineSink {
    /// The line of the first visible character of text being appended. The tokenizer
    /// reports the line where the run of text *ends* (it has read it all), so count back
    /// the line breaks after that character.
    fn first_visible_line(&self, child: &NodeOrText<NodeId>) -> Option<usize> {
        let NodeOrText::AppendText(text) = child else {
            return None;
        };
        let at = text.find(|c: char| !c.is_whitespace())?;
        let breaks_after = text.as_bytes()[at..].iter().filter(|&&b| b == b'\n');
        Some(self.line.get().saturating_sub(breaks_after.count()).max(1))
    }

    /// Records `line` for the text node that received text (merged or new): the first
    /// visible text of a node decides its line.
    fn note(&self, node: Option<NodeId>, line: Option<usize>) {
        if let (Some(node), Some(line)) = (node, line) {
            self.text_lines.borrow_mut().entry(node).or_insert(line);
        }
    }

    fn related(
        &self,
        node: NodeId,
        pick: impl for<'t> Fn(&NodeRefOf<'t>) -> Option<NodeId>,
    ) -> Option<NodeId> {
        let html = self.tree.0.borrow();
        let node = html.tree.get(node)?;
        pick(&node)
    }
}

/// scraper's node reference type, named through the tree it comes from.
type NodeRefOf<'a> = <ElementRef<'a> as std::ops::Deref>::Target;

impl TreeSink for LineSink {
    type Handle = NodeId;
    type Output = ParsedPage;
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> ParsedPage {
        ParsedPage {
            html: self.tree.finish(),
            text_lines: self.text_lines.into_inner(),
        }
    }

    fn set_current_line(&self, line_number: u64) {
        self.line
            .set(usize::try_from(line_number).unwrap_or(usize::MAX));
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        let line = self.first_visible_line(&child);
        self.tree.append(parent, child);
        if line.is_some() {
            let node = self.related(*parent, |p| p.last_child().map(|c| c.id()));
            self.note(node, line);
        }
    }

    fn append_before_sibling(&self, sibling: &NodeId, child: NodeOrText<NodeId>) {
        let line = self.first_visible_line(&child);
        self.tree.append_before_sibling(sibling, child);
        if line.is_some() {
            let node = self.related(*sibling, |s| s.prev_sibling().map(|c| c.id()));
            self.note(node, line);
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        // As scraper does, but through this sink so the text's line is kept.
        let has_parent = self
            .related(*element, |e| e.parent().map(|p| p.id()))
            .is_some();
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.tree.parse_error(msg);
    }

    fn get_document(&self) -> NodeId {
        self.tree.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Self::ElemName<'a> {
        self.tree.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        self.tree.create_element(name, attrs, flags)
    }

    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.tree.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.tree.create_pi(target, data)
    }

    fn append_doctype_to_document(&self, name: StrTendril, public: StrTendril, system: StrTendril) {
        self.tree.append_doctype_to_document(name, public, system);
    }

    fn mark_script_already_started(&self, node: &NodeId) {
        self.tree.mark_script_already_started(node);
    }

    fn pop(&self, node: &NodeId) {
        self.tree.pop(node);
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.tree.get_template_contents(target)
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        self.tree.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.tree.set_quirks_mode(mode);
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.tree.add_attrs_if_missing(target, attrs);
    }

    fn associate_with_form(
        &self,
        target: &NodeId,
        form: &NodeId,
        nodes: (&NodeId, Option<&NodeId>),
    ) {
        self.tree.associate_with_form(target, form, nodes);
    }

    fn remove_from_parent(&self, target: &NodeId) {
        self.tree.remove_from_parent(target);
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.tree.reparent_children(node, new_parent);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &NodeId) -> bool {
        self.tree.is_mathml_annotation_xml_integration_point(handle)
    }

    fn allow_declarative_shadow_roots(&self, intended_parent: &NodeId) -> bool {
        self.tree.allow_declarative_shadow_roots(intended_parent)
    }

    fn attach_declarative_shadow(
        &self,
        location: &NodeId,
        template: &NodeId,
        attrs: &[Attribute],
    ) -> bool {
        self.tree
            .attach_declarative_shadow(location, template, attrs)
    }

    fn maybe_clone_an_option_into_selectedcontent(&self, option: &NodeId) {
        self.tree.maybe_clone_an_option_into_selectedcontent(option);
    }
}

// ---------------------------------------------------------------------------------------
// Walking the tree without recursion (a hostile page can nest elements 100 000 deep).

trait Visit<'a> {
    /// An element starts; returns whether to read inside it (then `close` follows).
    fn open(&mut self, element: ElementRef<'a>) -> bool;
    fn text(&mut self, node: NodeId, text: &'a str);
    fn close(&mut self, element: ElementRef<'a>);
}

fn walk<'a>(html: &'a Html, visitor: &mut impl Visit<'a>) {
    let root = html.root_element();
    if !visitor.open(root) {
        return;
    }
    let mut stack = vec![(root, root.children())];
    while let Some((element, children)) = stack.last_mut() {
        let Some(child) = children.next() else {
            let element = *element;
            stack.pop();
            visitor.close(element);
            continue;
        };
        match child.value() {
            Node::Text(text) => visitor.text(child.id(), text),
            Node::Element(_) => {
                if let Some(element) = ElementRef::wrap(child)
                    && visitor.open(element)
                {
                    stack.push((element, element.children()));
                }
            }
            _ => {}
        }
    }
}

fn name<'a>(element: &ElementRef<'a>) -> &'a str {
    element.value().name()
}

fn attr<'a>(element: &ElementRef<'a>, name: &str) -> Option<&'a str> {
    element.value().attr(name)
}

/// The id an in-page link (`href="#fn1"`) points at.
fn in_page_target(href: &str) -> Option<&str> {
    href.trim().strip_prefix('#').filter(|id| !id.is_empty())
}

/// A few nodes of a small element (a `<sup>`, a marker link): its text, the links inside
/// it, and the text node its visible text starts in. `None` when it is not small, which
/// keeps looking inside every `<sup>` linear on hostile pages.
struct Small {
    text: String,
    hrefs: Vec<String>,
    first_text: Option<NodeId>,
}

fn small(element: ElementRef<'_>) -> Option<Small> {
    const MAX_NODES: usize = 24;
    let mut found = Small {
        text: String::new(),
        hrefs: Vec::new(),
        first_text: None,
    };
    for (seen, node) in element.descendants().enumerate() {
        if seen > MAX_NODES || found.text.len() > 64 {
            return None;
        }
        match node.value() {
            Node::Text(text) => {
                if found.first_text.is_none() && !text.trim().is_empty() {
                    found.first_text = Some(node.id());
                }
                found.text.push_str(text);
            }
            Node::Element(inner) if inner.name() == "a" => {
                found
                    .hrefs
                    .extend(inner.attr("href").map(|h| h.trim().to_string()));
            }
            _ => {}
        }
    }
    Some(found)
}

// ---------------------------------------------------------------------------------------
// Pass 1: footnote targets.

/// How the links to one in-page id read.
#[derive(Debug, Default)]
struct Target {
    /// The marker of the first link that reads as one (`1` of `<a href="#fn1">[1]</a>`).
    marker: Option<String>,
    /// Some link to it sits in a `<sup>`.
    from_sup: bool,
}

impl Target {
    /// The label a footnote with this id gets; an ordered-list item falls back on its
    /// number when it is linked from a superscript that is not a number (`*`, `†`).
    fn label(&self, list_number: Option<u32>) -> Option<String> {
        let number = list_number.filter(|_| self.from_sup).map(|n| n.to_string());
        self.marker.clone().or(number)
    }
}

#[derive(Default)]
struct TargetScan {
    targets: HashMap<String, Target>,
    /// Open in-page links: the id they point at, their text, whether in a `<sup>`.
    anchors: Vec<(String, String, bool)>,
    sups: usize,
}

impl<'a> Visit<'a> for TargetScan {
    fn open(&mut self, element: ElementRef<'a>) -> bool {
        match name(&element) {
            "script" | "style" | "template" => return false,
            "sup" => self.sups += 1,
            "a" => {
                let id = attr(&element, "href").and_then(in_page_target);
                let id = id.map(str::to_string).unwrap_or_default();
                self.anchors.push((id, String::new(), self.sups > 0));
            }
            _ => {}
        }
        true
    }

    fn text(&mut self, _: NodeId, text: &'a str) {
        if let Some((_, anchor_text, _)) = self.anchors.last_mut()
            && anchor_text.len() < 64
        {
            anchor_text.push_str(text);
        }
    }

    fn close(&mut self, element: ElementRef<'a>) {
        match name(&element) {
            "sup" => self.sups = self.sups.saturating_sub(1),
            "a" => {
                let Some((id, text, in_sup)) = self.anchors.pop() else {
                    return;
                };
                let marker = reference_marker(&text);
                if id.is_empty() || (marker.is_none() && !in_sup) {
                    return;
                }
                let target = self.targets.entry(id).or_default();
                target.from_sup |= in_sup;
                if target.marker.is_none() {
                    target.marker = marker;
                }
            }
            _ => {}
        }
    }
}

fn find_footnote_targets(html: &Html) -> HashMap<String, Target> {
    let mut scan = TargetScan::default();
    walk(html, &mut scan);
    scan.targets
}

// ---------------------------------------------------------------------------------------
// Pass 2: what each element contains.

/// What an element's descendants include (not the element itself).
const HAS_MAIN: u8 = 1; // main, article, h1, role=main: the page's own content
const HAS_FOOTNOTE: u8 = 2; // an element a footnote marker links to
const HAS_TABLE: u8 = 4;
const HAS_HEADING: u8 = 8;
const HAS_NAV: u8 = 16;

#[derive(Debug, Default, Clone, Copy)]
struct Contents {
    inside: u8,
    /// Visible characters, and how many of them are link text.
    chars: usize,
    link_chars: usize,
}

impl Contents {
    fn has(&self, flags: u8) -> bool {
        self.inside & flags != 0
    }

    /// Mostly links: a menu, a list of share buttons.
    fn link_heavy(&self) -> bool {
        self.chars > 0 && self.link_chars * 2 >= self.chars
    }
}

struct Survey<'t> {
    targets: &'t HashMap<String, Target>,
    contents: HashMap<NodeId, Contents>,
    /// Ids of elements that are there to be linked to (so a marker link is a footnote
    /// reference, not a link to another page's anchor).
    present: HashSet<String>,
    open: Vec<Contents>,
    links: usize,
}

impl<'a> Visit<'a> for Survey<'_> {
    fn open(&mut self, element: ElementRef<'a>) -> bool {
        if matches!(name(&element), "script" | "style" | "template") {
            return false;
        }
        self.links += usize::from(name(&element) == "a");
        self.open.push(Contents::default());
        true
    }

    fn text(&mut self, _: NodeId, text: &'a str) {
        let visible = text.chars().filter(|c| !c.is_whitespace()).count();
        if let Some(top) = self.open.last_mut() {
            top.chars += visible;
            if self.links > 0 {
                top.link_chars += visible;
            }
        }
    }

    fn close(&mut self, element: ElementRef<'a>) {
        let Some(contents) = self.open.pop() else {
            return;
        };
        self.contents.insert(element.id(), contents);
        let tag = name(&element);
        self.links -= usize::from(tag == "a");
        let role = attr(&element, "role").unwrap_or("");
        let mut own = 0;
        if matches!(tag, "main" | "article" | "h1") || role.eq_ignore_ascii_case("main") {
            own |= HAS_MAIN;
        }
        if tag == "table" {
            own |= HAS_TABLE;
        }
        if heading_level(tag).is_some() {
            own |= HAS_HEADING;
        }
        if tag == "nav" || role.eq_ignore_ascii_case("navigation") {
            own |= HAS_NAV;
        }
        let ids = [
            attr(&element, "id"),
            (tag == "a").then(|| attr(&element, "name")).flatten(),
        ];
        for id in ids.into_iter().flatten() {
            if self.targets.contains_key(id) {
                own |= HAS_FOOTNOTE;
                self.present.insert(id.to_string());
            }
        }
        if let Some(parent) = self.open.last_mut() {
            parent.inside |= contents.inside | own;
            parent.chars += contents.chars;
            parent.link_chars += contents.link_chars;
        }
    }
}

fn survey(
    html: &Html,
    targets: &HashMap<String, Target>,
) -> (HashMap<NodeId, Contents>, HashSet<String>) {
    let mut survey = Survey {
        targets,
        contents: HashMap::new(),
        present: HashSet::new(),
        open: Vec::new(),
        links: 0,
    };
    walk(html, &mut survey);
    (survey.contents, survey.present)
}

fn heading_level(tag: &str) -> Option<u8> {
    match tag {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// What is not read.

/// Elements whose content is not copy a visitor reads.
const NEVER_READ: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas",
    "video", "audio", "button", "select", "textarea", "input", "option", "datalist", "nav",
];

/// Class or id tokens of navigation and page chrome.
#[rustfmt::skip]
const CHROME_TOKENS: &[&str] = &[
    "nav", "navi", "navbar", "navigation", "gnav", "globalnav",
    "breadcrumb", "breadcrumbs", "pankuzu", "topicpath", // (Japanese sites' breadcrumbs)
    "footer", "sidebar", "cookie", "cookies", "consent",
    "skiplink", "skipnav", "visuallyhidden", "sronly",
    "backlink", "backref", "reversefootnote", // a footnote's link back to its marker
];

/// Two tokens in a row that name chrome: skip links, and text only screen readers get
/// (`sr-only`, `screen-reader-text`, `visually-hidden`).
const CHROME_PAIRS: &[(&str, &str)] = &[
    ("skip", "link"),
    ("skip", "links"),
    ("skip", "nav"),
    ("skip", "to"),
    ("sr", "only"),
    ("screen", "reader"),
    ("visually", "hidden"),
];

/// Class or id tokens that are chrome only when the element is mostly links: a clinic's
/// "menu" of treatments and a "social-proof" section of testimonials are copy.
const LINK_CHROME_TOKENS: &[&str] = &["menu", "menus", "share", "sharing", "social", "sns"];

/// The lower-case words of a class or id: split at anything not a letter or digit and
/// between camelCase words (`site-footer`, `mainNav`, `cookie_banner`).
fn tokens(value: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in value.chars() {
        let boundary = !c.is_alphanumeric() || (c.is_uppercase() && previous_lower);
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        }
        previous_lower = c.is_lowercase();
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Whether the class and id of an element name it as chrome; `link_heavy` decides the
/// tokens that are chrome only as lists of links.
fn chrome_by_name(element: &ElementRef<'_>, link_heavy: bool) -> bool {
    let words: Vec<String> = ["class", "id"]
        .iter()
        .filter_map(|a| attr(element, a))
        .flat_map(tokens)
        .collect();
    let pair = words
        .windows(2)
        .any(|w| CHROME_PAIRS.contains(&(w[0].as_str(), w[1].as_str())));
    pair || words.iter().any(|w| {
        CHROME_TOKENS.contains(&w.as_str())
            || (link_heavy && LINK_CHROME_TOKENS.contains(&w.as_str()))
    })
}

fn is_hidden(element: &ElementRef<'_>) -> bool {
    let aria_hidden =
        attr(element, "aria-hidden").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let style = attr(element, "style").map(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        s.to_ascii_lowercase()
    });
    let styled_hidden =
        style.is_some_and(|s| s.contains("display:none") || s.contains("visibility:hidden"));
    attr(element, "hidden").is_some() || aria_hidden || styled_hidden
}

// ---------------------------------------------------------------------------------------
// Pass 3: blocks.

/// Where text goes while an element is open.
#[derive(Debug)]
enum Frame {
    /// Loose text between blocks becomes paragraphs (`<div>`, `<body>`, a `<p>`).
    Flow(Flow),
    /// Everything inside is one block: a heading, list item, footnote, caption or cell.
    Single(Single),
    /// A row of a data table, collecting its cells.
    Row(Row),
}

#[derive(Debug, Default)]
struct Flow {
    /// The paragraph of loose text being read.
    loose: Option<Loose>,
    /// A `<p>`: one `<br>` is a space, two in a row end the paragraph.
    paragraph: bool,
    /// The text length at the last `<br>` of a `<p>` (two with nothing between them end it).
    last_br: Option<usize>,
    /// The list this is, for `<ul>`/`<ol>`.
    list: Option<List>,
}

#[derive(Debug)]
struct Loose {
    builder: TextBuilder,
    /// Its reserved place in the output.
    slot: usize,
    /// A paragraph, or a footnote named by an `<a name>` before it.
    kind: BlockKind,
}

#[derive(Debug)]
struct Single {
    builder: TextBuilder,
    kind: SingleKind,
    /// The block's place in the output (a cell has none: its row has one).
    slot: Option<usize>,
}

#[derive(Debug)]
enum SingleKind {
    Block(BlockKind),
    Cell { header: bool },
}

#[derive(Debug)]
struct Row {
    slot: usize,
    table: usize,
    cells: Vec<(String, Vec<Link>, Option<usize>)>,
    in_thead: bool,
    all_header_cells: bool,
}

#[derive(Debug)]
struct List {
    id: usize,
    depth: u8,
    ordered: bool,
    next: i64,
    step: i64,
}

impl List {
    fn number(&mut self, value: Option<&str>) -> Option<u32> {
        if !self.ordered {
            return None;
        }
        if let Some(value) = value.and_then(|v| v.trim().parse::<i64>().ok()) {
            self.next = value;
        }
        let number = self.next;
        self.next = self.next.saturating_add(self.step);
        u32::try_from(number).ok()
    }
}

/// What closing an element has to undo.
#[derive(Debug, Default)]
struct Entered {
    frame: bool,
    /// A block element flattened into one block: a space after it too.
    separator: bool,
    anchor: bool,
    table: bool,
    list: bool,
}

/// An open `<a href>`.
#[derive(Debug)]
struct Anchor {
    id: usize,
    href: String,
    /// The frame that was on top when it opened; links can only have started there or in
    /// frames opened since (all closed by the time the anchor closes).
    frame: usize,
    started: bool,
}

struct Reader<'p> {
    page: &'p ParsedPage,
    targets: &'p HashMap<String, Target>,
    contents: &'p HashMap<NodeId, Contents>,
    present: &'p HashSet<String>,
    /// Blocks in reading order; a block's place is reserved when it opens, so a list item
    /// comes before its sub-list even though it is finished after it.
    slots: Vec<Option<Block>>,
    frames: Vec<Frame>,
    entered: Vec<Entered>,
    anchors: Vec<Anchor>,
    /// Whether each open table is a data table.
    tables: Vec<bool>,
    list_depth: u8,
    next_list: usize,
    next_table: usize,
    next_anchor: usize,
    seen_title: bool,
    /// The label of a footnote an `<a name="fn1">` named, for the block that follows it.
    named_footnote: Option<String>,
    /// The line of the last text read, for a block whose first text has none recorded.
    last_line: usize,
}

impl<'p> Reader<'p> {
    fn new(
        page: &'p ParsedPage,
        targets: &'p HashMap<String, Target>,
        (contents, present): &'p (HashMap<NodeId, Contents>, HashSet<String>),
    ) -> Self {
        Reader {
            page,
            targets,
            contents,
            present,
            slots: Vec::new(),
            frames: vec![Frame::Flow(Flow::default())],
            entered: Vec::new(),
            anchors: Vec::new(),
            tables: Vec::new(),
            list_depth: 0,
            next_list: 0,
            next_table: 0,
            next_anchor: 0,
            seen_title: false,
            named_footnote: None,
            last_line: 1,
        }
    }

    fn finish(mut self) -> Vec<Block> {
        while let Some(frame) = self.frames.pop() {
            self.close_frame(frame);
        }
        self.slots.into_iter().flatten().collect()
    }

    fn contents(&self, element: &ElementRef<'_>) -> Contents {
        self.contents
            .get(&element.id())
            .copied()
            .unwrap_or_default()
    }

    fn reserve(&mut self) -> usize {
        self.slots.push(None);
        self.slots.len() - 1
    }

    /// A builder for a new block, with the links of the anchors it is inside.
    fn new_builder(&self) -> TextBuilder {
        let mut builder = TextBuilder::default();
        for anchor in &self.anchors {
            builder.open_link(anchor.id, &anchor.href);
        }
        builder
    }

    /// The builder text goes to now, starting a loose paragraph if needed (`None` between
    /// the cells of a row).
    fn current(&mut self) -> Option<&mut TextBuilder> {
        if let Some(Frame::Flow(flow)) = self.frames.last()
            && flow.loose.is_none()
        {
            let builder = self.new_builder();
            let slot = self.reserve();
            let kind = match self.named_footnote.take() {
                Some(label) => BlockKind::Footnote { label },
                None => BlockKind::Paragraph,
            };
            if let Some(Frame::Flow(flow)) = self.frames.last_mut() {
                flow.loose = Some(Loose {
                    builder,
                    slot,
                    kind,
                });
            }
        }
        match self.frames.last_mut()? {
            Frame::Flow(flow) => flow.loose.as_mut().map(|l| &mut l.builder),
            Frame::Single(single) => Some(&mut single.builder),
            Frame::Row(_) => None,
        }
    }

    /// The builder already open on top, without starting one.
    fn top_builder(&mut self) -> Option<&mut TextBuilder> {
        match self.frames.last_mut()? {
            Frame::Flow(flow) => flow.loose.as_mut().map(|l| &mut l.builder),
            Frame::Single(single) => Some(&mut single.builder),
            Frame::Row(_) => None,
        }
    }

    fn text_line(&self, node: Option<NodeId>) -> usize {
        node.and_then(|n| self.page.text_lines.get(&n).copied())
            .unwrap_or(self.last_line)
    }

    /// Something visible was read: every open anchor has text now.
    fn mark_anchors_started(&mut self) {
        for anchor in &mut self.anchors {
            anchor.started = true;
        }
    }

    /// Ends the loose paragraph of the top frame (a block boundary).
    fn end_loose(&mut self) {
        if let Some(Frame::Flow(flow)) = self.frames.last_mut()
            && let Some(loose) = flow.loose.take()
        {
            flow.last_br = None;
            self.finish_loose(loose);
        }
    }

    fn finish_loose(&mut self, loose: Loose) {
        self.slots[loose.slot] = loose.builder.finish().map(|f| paragraph(f, loose.kind));
    }

    fn push_frame(&mut self, frame: Frame, entered: &mut Entered) {
        self.end_loose();
        self.frames.push(frame);
        entered.frame = true;
    }

    fn push_single(&mut self, mut kind: SingleKind, entered: &mut Entered) {
        // A footnote named just before is this list item (or else no block at all).
        if let Some(label) = self.named_footnote.take()
            && matches!(kind, SingleKind::Block(BlockKind::ListItem { .. }))
        {
            kind = SingleKind::Block(BlockKind::Footnote { label });
        }
        let slot = matches!(kind, SingleKind::Block(_)).then(|| self.reserve());
        let builder = self.new_builder();
        let frame = Frame::Single(Single {
            builder,
            kind,
            slot,
        });
        self.push_frame(frame, entered);
    }

    fn close_frame(&mut self, frame: Frame) {
        match frame {
            Frame::Flow(mut flow) => {
                if let Some(loose) = flow.loose.take() {
                    self.finish_loose(loose);
                }
            }
            Frame::Single(single) => {
                let finished = single.builder.finish();
                match (single.kind, single.slot) {
                    (SingleKind::Block(kind), Some(slot)) => {
                        self.slots[slot] = finished.map(|f| paragraph(f, kind));
                    }
                    (SingleKind::Cell { header }, _) => {
                        if let Some(Frame::Row(row)) = self.frames.last_mut() {
                            row.all_header_cells &= header;
                            let (text, links, line) = match finished {
                                Some(f) => (f.text, f.links, Some(f.line)),
                                None => (String::new(), Vec::new(), None),
                            };
                            row.cells.push((text, links, line));
                        } else if let Some(f) = finished {
                            // A cell outside a row: read as a paragraph.
                            let slot = self.reserve();
                            self.slots[slot] = Some(paragraph(f, BlockKind::Paragraph));
                        }
                    }
                    (SingleKind::Block(_), None) => {}
                }
            }
            Frame::Row(row) => {
                let slot = row.slot;
                self.slots[slot] = table_row(row);
            }
        }
    }

    /// Whether the top frame is one block that takes in everything inside it. A list
    /// item still lets a nested list or table be read as blocks of their own.
    fn flattening(&self, tag: &str) -> bool {
        match self.frames.last() {
            Some(Frame::Single(single)) => {
                let list_item =
                    matches!(single.kind, SingleKind::Block(BlockKind::ListItem { .. }));
                !(list_item && matches!(tag, "ul" | "ol" | "menu" | "dir" | "table"))
            }
            _ => false,
        }
    }

    /// The label of a footnote this element is (its id is what a marker links to).
    fn footnote_label(&self, element: &ElementRef<'_>, list_number: Option<u32>) -> Option<String> {
        let target = self.targets.get(attr(element, "id")?)?;
        target.label(list_number)
    }

    fn dropped(&self, element: &ElementRef<'_>, tag: &str) -> bool {
        if NEVER_READ.contains(&tag) || is_hidden(element) {
            return true;
        }
        let contents = self.contents(element);
        let keeps_copy = contents.has(HAS_MAIN | HAS_FOOTNOTE);
        let role = attr(element, "role")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match (tag, role.as_str()) {
            (_, "doc-backlink") => return true,
            (_, "navigation" | "search" | "menubar" | "contentinfo") => return !keeps_copy,
            ("dialog", _) => return attr(element, "open").is_none(),
            ("form", _) => return !contents.has(HAS_MAIN),
            ("footer", _) => return !keeps_copy,
            ("aside", _) if contents.link_heavy() || contents.has(HAS_NAV) => return !keeps_copy,
            ("html" | "body" | "main" | "article", _) => return false,
            _ => {}
        }
        !keeps_copy && chrome_by_name(element, contents.link_heavy())
    }

    /// A back-link from a footnote to its marker (`↩`, `^`).
    fn is_back_link(element: &ElementRef<'_>) -> bool {
        small(*element).is_some_and(|s| {
            !s.text.trim().is_empty()
                && s.text.chars().all(|c| {
                    c.is_whitespace()
                        || matches!(c, '↩' | '↑' | '^' | '⤴' | '⏎' | '\u{fe0e}' | '\u{fe0f}')
                })
        })
    }

    /// A `<sup>` reading as a reference marker: written as `[^1]`. (Not an exponent:
    /// `m<sup>2</sup>` stays `m2`.)
    fn sup_marker(&mut self, element: ElementRef<'_>) -> bool {
        let Some(found) = small(element) else {
            return false;
        };
        let Some(label) = reference_marker(&found.text) else {
            return false;
        };
        let line = self.text_line(found.first_text);
        let exponent = found.hrefs.is_empty()
            && self
                .top_builder()
                .is_some_and(|b| b.exponent_here(&found.text));
        if exponent {
            return false; // read as text
        }
        if let Some(builder) = self.current() {
            builder.push_marker(&label, line, found.hrefs);
            self.last_line = line;
            self.mark_anchors_started();
        }
        true
    }

    /// An in-page link to a footnote, reading as a marker (`<a href="#fn1">[1]</a>`,
    /// `<a href="#fn1"><sup>1</sup></a>`): written as `[^1]`, the link covering it.
    fn link_marker(&mut self, element: ElementRef<'_>, href: &str) -> bool {
        let Some(id) = in_page_target(href) else {
            return false;
        };
        if !self.present.contains(id) {
            return false;
        }
        let Some(found) = small(element) else {
            return false;
        };
        let Some(label) = reference_marker(&found.text) else {
            return false;
        };
        let line = self.text_line(found.first_text);
        if let Some(builder) = self.current() {
            builder.push_marker(&label, line, vec![href.trim().to_string()]);
            self.last_line = line;
            self.mark_anchors_started();
        }
        true
    }

    fn open_anchor(&mut self, href: &str, entered: &mut Entered) {
        let id = self.next_anchor;
        self.next_anchor += 1;
        if let Some(builder) = self.top_builder() {
            builder.open_link(id, href);
        }
        self.anchors.push(Anchor {
            id,
            href: href.trim().to_string(),
            frame: self.frames.len() - 1,
            started: false,
        });
        entered.anchor = true;
    }

    fn close_anchor(&mut self) {
        let Some(anchor) = self.anchors.pop() else {
            return;
        };
        let Some(frame) = self.frames.get_mut(anchor.frame) else {
            return;
        };
        let builder = match frame {
            Frame::Flow(flow) => flow.loose.as_mut().map(|l| &mut l.builder),
            Frame::Single(single) => Some(&mut single.builder),
            Frame::Row(_) => None,
        };
        if let Some(builder) = builder {
            let started_here = builder.close_link(anchor.id);
            if !anchor.started && !started_here {
                builder.empty_link(&anchor.href);
            }
        }
    }

    /// A `<br>`: see the module notes.
    fn line_break(&mut self) {
        match self.frames.last_mut() {
            Some(Frame::Single(single)) => single.builder.space(),
            Some(Frame::Flow(flow)) if flow.paragraph => {
                let Some(Loose { builder, .. }) = flow.loose.as_mut() else {
                    return;
                };
                if flow.last_br == Some(builder.len()) {
                    self.end_loose();
                } else {
                    builder.space();
                    flow.last_br = Some(builder.len());
                }
            }
            Some(Frame::Flow(_)) => self.end_loose(),
            _ => {}
        }
    }

    fn open_list(&mut self, element: &ElementRef<'_>, tag: &str, entered: &mut Entered) {
        let ordered = tag == "ol";
        let reversed = ordered && attr(element, "reversed").is_some();
        let start = attr(element, "start").and_then(|s| s.trim().parse::<i64>().ok());
        let start = start.unwrap_or_else(|| {
            if reversed {
                let items = element.child_elements().filter(|c| name(c) == "li").count();
                i64::try_from(items).unwrap_or(i64::MAX)
            } else {
                1
            }
        });
        let list = List {
            id: self.next_list,
            depth: self.list_depth,
            ordered,
            next: start,
            step: if reversed { -1 } else { 1 },
        };
        self.next_list += 1;
        self.list_depth = self.list_depth.saturating_add(1);
        entered.list = true;
        let flow = Flow {
            list: Some(list),
            ..Flow::default()
        };
        self.push_frame(Frame::Flow(flow), entered);
    }

    fn open_list_item(&mut self, element: &ElementRef<'_>, entered: &mut Entered) {
        let value = attr(element, "value");
        let list = match self.frames.last_mut() {
            Some(Frame::Flow(Flow {
                list: Some(list), ..
            })) => Some(list),
            _ => None,
        };
        let (list, depth, number) = match list {
            Some(list) => (list.id, list.depth, list.number(value)),
            None => {
                // An item outside any list: a list of its own.
                self.next_list += 1;
                (self.next_list - 1, self.list_depth, None)
            }
        };
        let kind = match self.footnote_label(element, number) {
            Some(label) => BlockKind::Footnote { label },
            None => BlockKind::ListItem {
                list,
                depth,
                number,
            },
        };
        self.push_single(SingleKind::Block(kind), entered);
    }

    /// A `<table>`: a data table is read as rows, a layout table as loose text.
    fn open_table(&mut self, element: &ElementRef<'_>, entered: &mut Entered) {
        let contents = self.contents(element);
        let presentation = attr(element, "role").is_some_and(|r| {
            matches!(
                r.trim().to_ascii_lowercase().as_str(),
                "presentation" | "none"
            )
        });
        let data = !presentation && !contents.has(HAS_TABLE | HAS_HEADING);
        if data {
            self.next_table += 1;
        }
        self.tables.push(data);
        entered.table = true;
        self.push_frame(Frame::Flow(Flow::default()), entered);
    }

    fn open_row(&mut self, element: &ElementRef<'_>, entered: &mut Entered) {
        if self.tables.last() != Some(&true) {
            self.push_frame(Frame::Flow(Flow::default()), entered);
            return;
        }
        let in_thead = element
            .parent()
            .and_then(|p| p.value().as_element().map(|e| e.name() == "thead"))
            .unwrap_or(false);
        let slot = self.reserve();
        let row = Row {
            slot,
            table: self.next_table - 1,
            cells: Vec::new(),
            in_thead,
            all_header_cells: true,
        };
        self.push_frame(Frame::Row(row), entered);
    }

    /// A block element inside the top frame (not flattened into it).
    fn open_block(&mut self, element: &ElementRef<'_>, tag: &str, entered: &mut Entered) {
        match tag {
            "p" | "div" | "dd" | "dt" => {
                let nested_blocks = self.contents(element).has(HAS_HEADING | HAS_TABLE);
                let label = if tag == "p" || !nested_blocks {
                    self.footnote_label(element, None)
                } else {
                    None
                };
                if let Some(label) = label {
                    self.push_single(SingleKind::Block(BlockKind::Footnote { label }), entered);
                } else {
                    let flow = Flow {
                        paragraph: tag == "p",
                        ..Flow::default()
                    };
                    self.push_frame(Frame::Flow(flow), entered);
                }
            }
            "ul" | "ol" | "menu" | "dir" => self.open_list(element, tag, entered),
            "li" => self.open_list_item(element, entered),
            "table" => self.open_table(element, entered),
            "tr" => self.open_row(element, entered),
            "td" | "th" if matches!(self.frames.last(), Some(Frame::Row(_))) => {
                self.push_single(
                    SingleKind::Cell {
                        header: tag == "th",
                    },
                    entered,
                );
            }
            "caption" if self.tables.last() == Some(&true) => {
                self.push_single(SingleKind::Block(BlockKind::Paragraph), entered);
            }
            _ => match heading_level(tag) {
                Some(level) => {
                    self.push_single(SingleKind::Block(BlockKind::Heading { level }), entered)
                }
                None => self.push_frame(Frame::Flow(Flow::default()), entered),
            },
        }
    }

    /// An `<a>` without `href` naming a footnote (`<li><a name="fn1"></a>…`, or before
    /// a paragraph) makes the block it starts, or the next one, that footnote.
    fn named_anchor(&mut self, element: &ElementRef<'_>) {
        let id = attr(element, "id").or_else(|| attr(element, "name"));
        let Some(target) = id.and_then(|id| self.targets.get(id)) else {
            return;
        };
        match self.frames.last_mut() {
            Some(Frame::Single(single)) if single.builder.is_empty() => {
                let number = match &single.kind {
                    SingleKind::Block(BlockKind::ListItem { number, .. }) => *number,
                    SingleKind::Block(BlockKind::Paragraph) => None,
                    _ => return,
                };
                if let Some(label) = target.label(number) {
                    single.kind = SingleKind::Block(BlockKind::Footnote { label });
                }
            }
            Some(Frame::Flow(flow)) => match &mut flow.loose {
                Some(loose) if loose.builder.is_empty() => {
                    if let Some(label) = target.label(None) {
                        loose.kind = BlockKind::Footnote { label };
                    }
                }
                Some(_) => {} // in the middle of a paragraph: not where a note starts
                None => self.named_footnote = target.label(None),
            },
            _ => {}
        }
    }
}

/// Elements that start a block (or separate pieces of a flattened one).
#[rustfmt::skip]
const BLOCK_TAGS: &[&str] = &[
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "html", "legend", "li", "main",
    "menu", "ol", "p", "pre", "search", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
];

fn paragraph(finished: inline::Finished, kind: BlockKind) -> Block {
    Block {
        kind,
        text: finished.text,
        line: finished.line,
        links: finished.links,
    }
}

/// A data table's row from its cells: `None` when every cell is empty.
fn table_row(row: Row) -> Option<Block> {
    let line = row.cells.iter().find_map(|(_, _, line)| *line)?;
    let texts: Vec<String> = row.cells.iter().map(|(t, _, _)| t.clone()).collect();
    let (text, ranges) = table_row_text(&texts);
    let mut links = Vec::new();
    for ((_, cell_links, _), range) in row.cells.into_iter().zip(&ranges) {
        links.extend(cell_links.into_iter().map(|link| Link {
            range: link.range.start + range.start..link.range.end + range.start,
            href: link.href,
        }));
    }
    let header = row.in_thead || (row.all_header_cells && !ranges.is_empty());
    Some(Block {
        kind: BlockKind::TableRow {
            table: row.table,
            cells: ranges,
            header,
        },
        text,
        line,
        links,
    })
}

impl<'a> Visit<'a> for Reader<'_> {
    fn open(&mut self, element: ElementRef<'a>) -> bool {
        let tag = name(&element);
        if self.dropped(&element, tag) {
            return false;
        }
        let mut entered = Entered::default();
        match tag {
            "title" => {
                if self.seen_title || self.flattening(tag) {
                    return false;
                }
                self.seen_title = true;
                self.push_single(
                    SingleKind::Block(BlockKind::Heading { level: 0 }),
                    &mut entered,
                );
            }
            // Elements with no copy. (`<head>` is read for its `<title>` only: the rest of
            // it is dropped here or has no text.)
            "meta" | "link" | "base" | "img" | "wbr" | "area" | "col" | "colgroup" => return false,
            "br" => {
                self.line_break();
                return false;
            }
            "hr" => {
                match self.frames.last_mut() {
                    Some(Frame::Single(single)) => single.builder.space(),
                    _ => self.end_loose(),
                }
                return false;
            }
            "sup" if self.sup_marker(element) => return false,
            "a" => match attr(&element, "href") {
                Some(href) if href.trim().starts_with('#') && Self::is_back_link(&element) => {
                    return false;
                }
                Some(href) if self.link_marker(element, href) => return false,
                Some(href) => self.open_anchor(href, &mut entered),
                None => self.named_anchor(&element),
            },
            _ if BLOCK_TAGS.contains(&tag) => {
                if self.flattening(tag) {
                    if let Some(Frame::Single(single)) = self.frames.last_mut() {
                        single.builder.space();
                    }
                    entered.separator = true;
                } else if !matches!(tag, "html" | "body" | "thead" | "tbody" | "tfoot") {
                    self.open_block(&element, tag, &mut entered);
                }
            }
            _ => {}
        }
        self.entered.push(entered);
        true
    }

    fn text(&mut self, node: NodeId, text: &'a str) {
        let visible = !text.trim().is_empty();
        if !visible {
            // Whitespace only separates words of a block already open.
            if let Some(builder) = self.top_builder()
                && !builder.is_empty()
            {
                builder.space();
            }
            return;
        }
        let line = self.text_line(Some(node));
        if let Some(builder) = self.current()
            && builder.push_str(text, line)
        {
            self.last_line = line;
            self.mark_anchors_started();
        }
    }

    fn close(&mut self, _element: ElementRef<'a>) {
        let Some(entered) = self.entered.pop() else {
            return;
        };
        if entered.anchor {
            self.close_anchor();
        }
        if entered.frame
            && let Some(frame) = self.frames.pop()
        {
            self.close_frame(frame);
        }
        if entered.separator
            && let Some(Frame::Single(single)) = self.frames.last_mut()
        {
            single.builder.space();
        }
        if entered.table {
            self.tables.pop();
        }
        if entered.list {
            self.list_depth = self.list_depth.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests;
