use wyrd_host::doctor::{self, Status};

pub fn run() -> anyhow::Result<()> {
    let checks = doctor::run();
    let mut lines = Vec::new();
    for check in &checks {
        let mark = match check.status {
            Status::Ok => "ok  ",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
        };
        lines.push(format!("[{mark}] {}", check.what));
        lines.extend(
            check
                .lines
                .iter()
                .flat_map(|l| l.lines())
                .map(|l| format!("       {l}")),
        );
    }
    super::print_lines(lines)?;
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.what)
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("not ready to play live: {}", failed.join(", "))
    }
}
