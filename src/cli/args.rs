//! Command-line arguments (clap), parsed into plain data the commands run on.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Build transactional email: MJML + Tera templates, one YAML brand, checked HTML and text.
#[derive(Debug, Parser)]
#[command(name = "letterpress", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build every email into the bundle folder (default: out/).
    Build(BuildArgs),
    /// Build and check every email without writing anything.
    Check(BuildArgs),
    /// Build the bundle with every template written in one email service template language
    /// (under <out>/export/<dialect>/), instead of the languages letterpress.yaml lists.
    Export(ExportArgs),
    /// Print a template's data contract (JSON Schema) inferred from what it uses and what its
    /// fixtures hold, as a starting point; --write saves it beside the fixtures.
    Schema(SchemaArgs),
    /// Render one template with given data and print JSON {subject, preheader, html, text,
    /// headers, findings}; with --stream, answer one JSON request per line of stdin.
    Render(RenderArgs),
    /// Serve the renderer over HTTP (POST /render, GET /health) for a sending service.
    Serve(ServeArgs),
    /// Send one email as a test (the bundle's .eml message) to an address over SMTP.
    Send(SendArgs),
    /// Serve a live preview of every email on localhost and rebuild it on each save (in memory:
    /// out/ is not touched).
    Watch(WatchArgs),
    /// Scaffold a new email: a template from the layout, a fixture, and its strings in every
    /// locale file (never overwrites anything).
    New(NewArgs),
    /// Write the starter kit into a new or empty folder.
    Init {
        /// The folder to create.
        dir: PathBuf,
    },
    /// List every rule with its id, default severity and explanation.
    Rules,
}

/// Options shared by `build` and `check`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Output folder (default: `out` in the project, or `out:` in letterpress.yaml).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Only this template (repeatable).
    #[arg(long = "template", value_name = "NAME")]
    pub templates: Vec<String>,
    /// Only this locale (repeatable).
    #[arg(long = "locale", value_name = "CODE")]
    pub locales: Vec<String>,
    /// How to report.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub strict: bool,
}

/// Options of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The template language: handlebars (SES, SendGrid, Mailgun, Mandrill), mustache
    /// (Postmark) or liquid (Customer.io, Braze).
    #[arg(value_parser = ["handlebars", "mustache", "liquid"])]
    pub dialect: String,
    /// Where to build, which emails, how to report.
    #[command(flatten)]
    pub build: BuildArgs,
}

/// Options of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Template name (file stem under templates/).
    pub template: String,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Save it as fixtures/<template>/schema.json (or fixtures/<template>.schema.json when the
    /// fixtures are single files); never replaces an existing schema.
    #[arg(long)]
    pub write: bool,
}

/// Output formats for findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per email, findings beneath, a summary (coloured on a terminal).
    Human,
    /// One JSON document on stdout (schema: docs/report.schema.json).
    Json,
    /// GitHub Actions workflow annotations (`::error file=…,line=…::…`).
    Github,
    /// JUnit XML: one test case per email × rule family.
    Junit,
}

/// Options of `render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Template name (file stem under templates/).
    #[arg(required_unless_present = "stream", conflicts_with = "stream")]
    pub template: Option<String>,
    /// Read one JSON request per line on stdin ({"id", "template", "locale", "data"}) and
    /// write one JSON response per line on stdout, loading the project once.
    #[arg(long, conflicts_with = "data")]
    pub stream: bool,
    /// With --stream: requests rendered at once (default: one per core); answers stay in order.
    #[arg(long, value_name = "N", requires = "stream")]
    pub workers: Option<usize>,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Locale (default: the project's default locale; with --stream, of requests without one).
    #[arg(long)]
    pub locale: Option<String>,
    /// Data as a YAML or JSON file, or `-` for standard input (default: the template's first fixture).
    #[arg(long)]
    pub data: Option<PathBuf>,
}

/// Options of `new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The email's name: lowercase letters, digits and hyphens (e.g. welcome-back).
    pub name: String,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// The layout to extend, under templates/layouts/ (default: base.mjml, or the only one).
    #[arg(long)]
    pub layout: Option<String>,
}

/// Options of `watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Port to listen on (0 picks any free one). Default: 3000, or the next free port after it.
    #[arg(long)]
    pub port: Option<u16>,
    /// Address to listen on. The default serves this machine only; anything else exposes your
    /// unreleased emails to the network (0.0.0.0: every interface, for a phone on your Wi-Fi).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Open the index in the default browser.
    #[arg(long)]
    pub open: bool,
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Port to listen on (0 picks a free one; the URL is printed).
    #[arg(long, default_value_t = 3100)]
    pub port: u16,
    /// Address to listen on. The default serves this machine only.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Requests rendered at once (default: one per core).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
}

/// Options of `send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// Template name (file stem under templates/).
    pub template: String,
    /// The address to send to.
    #[arg(long, value_name = "ADDRESS")]
    pub to: String,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Locale (default: the project's default locale).
    #[arg(long)]
    pub locale: Option<String>,
    /// Fixture (default: the template's first).
    #[arg(long)]
    pub fixture: Option<String>,
    /// SMTP server URL: smtp://user@host:587 (STARTTLS), smtps://user@host:465 (TLS),
    /// smtp://host:1025?tls=none (a local test server). Default: LETTERPRESS_SMTP_URL, then
    /// `smtp.url` in letterpress.yaml. The password: in the URL or LETTERPRESS_SMTP_PASSWORD.
    #[arg(long, value_name = "URL")]
    pub smtp: Option<String>,
}
