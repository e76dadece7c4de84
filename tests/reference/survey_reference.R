# Reference numbers from R's survey package for tests/stats/test_r_reference.py.
#
# Regenerate (from the repository root; needs R with the survey and jsonlite packages,
# e.g. Debian's r-cran-survey):
#     Rscript tests/reference/survey_reference.R
# It rewrites api_strat.csv, api_clus1.csv and survey_reference.json in this folder.
#
# Data: the 'api' example data shipped with the survey package (California Academic
# Performance Index; apistrat = stratified sample of 200 schools, apiclus1 = cluster
# sample of 183 schools, apipop = the population of 6194 schools).
#
# Derived answers (deterministic, same formulas in the Python test):
#   grade (1-10)  = min(10, max(1, floor((api00 - 350) / 55) + 1))
#   score (0-10)  = min(10, max(0, floor((api00 - 400) / 45)))     # NPS question
#   satisfied     = grade >= 7
#   nps_code      = +1 if score >= 9, 0 if score >= 7, -1 otherwise
suppressMessages(library(survey))
library(jsonlite)

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
outdir <- if (length(script)) dirname(normalizePath(script)) else "tests/reference"

data(api)
tight <- list(maxit = 1000, epsilon = 1e-13)  # epsilon < 1 is relative to sum of weights

derive <- function(d) {
  d$grade <- pmin(10, pmax(1, floor((d$api00 - 350) / 55) + 1))
  d$score <- pmin(10, pmax(0, floor((d$api00 - 400) / 45)))
  d$satisfied <- as.numeric(d$grade >= 7)
  d$nps_code <- ifelse(d$score >= 9, 1, ifelse(d$score >= 7, 0, -1))
  d$one <- 1
  d
}
keep <- c("row", "stype", "sch.wide", "awards", "api00", "grade", "score", "satisfied",
          "nps_code", "pw", "dnum", "fpc")

strat <- derive(apistrat)
strat$row <- seq_len(nrow(strat))
clus1 <- derive(apiclus1)
clus1$row <- seq_len(nrow(clus1))
full_precision <- function(d) {
  d$pw <- sprintf("%.17g", d$pw)  # write.csv would keep only 15 significant digits
  d
}
write.csv(full_precision(strat[, keep]), file.path(outdir, "api_strat.csv"), row.names = FALSE)
write.csv(full_precision(clus1[, keep]), file.path(outdir, "api_clus1.csv"), row.names = FALSE)

pop_table <- function(var) {
  t <- table(apipop[[var]])
  out <- data.frame(names(t), as.numeric(t))
  names(out) <- c(var, "Freq")
  out
}
as_margin <- function(df) as.list(setNames(df$Freq, df[[1]]))

# 1. Raking as in the survey documentation (?rake): apiclus1, stype and sch.wide.
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = clus1, fpc = ~fpc)
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
rclus1 <- rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide), control = tight)

# 2. Raking a stratified sample (unequal design weights) on three population margins.
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = strat, fpc = ~fpc)
m_strat <- list(pop_table("stype"), pop_table("sch.wide"), pop_table("awards"))
rstrat <- rake(dstrat, list(~stype, ~sch.wide, ~awards), m_strat, control = tight)
w_rake <- weights(rstrat)

# 3. Trimming. (a) trimWeights alone, strict, on the raked weights.
upper <- 1.6 * median(w_rake)
lower <- 0.45 * median(w_rake)
tstrat <- trimWeights(rstrat, upper = upper, lower = lower, strict = TRUE)
# (b) Trim and re-rake, alternating until the raked weights lie within the bounds.
design <- rstrat
rounds <- 0
repeat {
  w <- weights(design)
  if (all(w <= upper * (1 + 1e-12)) && all(w >= lower * (1 - 1e-12))) break
  design <- trimWeights(design, upper = upper, lower = lower, strict = TRUE)
  design <- rake(design, list(~stype, ~sch.wide, ~awards), m_strat, control = tight)
  rounds <- rounds + 1
  if (rounds > 2000) stop("trim and rake did not settle")
}
w_trim_rake <- weights(design)

# 4. Plain weighted estimators: weights taken as fixed, svydesign(ids = ~1, weights = ~w).
est <- function(formula, d) {
  m <- svymean(formula, d)
  list(estimate = as.numeric(coef(m)), se = as.numeric(SE(m)))
}
estimates_for <- function(w, label) {
  d <- strat
  d$w <- w
  des <- svydesign(ids = ~1, weights = ~w, data = d)
  list(
    weights = label,
    design = "svydesign(ids = ~1, weights = ~w, data = api_strat)",
    grade_mean = est(~grade, des),
    satisfied_share = est(~satisfied, des),
    nps_code_mean = est(~nps_code, des)
  )
}

out <- list(
  generated_by = "tests/reference/survey_reference.R",
  r_version = R.version.string,
  survey_version = as.character(packageVersion("survey")),
  rake_clus1 = list(
    call = "rake(svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1), stype, sch.wide)",
    margins = list(stype = as_margin(pop.types), sch.wide = as_margin(pop.schwide)),
    weights = unname(weights(rclus1))
  ),
  rake_strat = list(
    call = "rake(svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat), ...)",
    margins = list(stype = as_margin(m_strat[[1]]), sch.wide = as_margin(m_strat[[2]]),
                   awards = as_margin(m_strat[[3]])),
    weights = unname(w_rake)
  ),
  trim = list(upper = upper, lower = lower, median = median(w_rake),
              weights = unname(weights(tstrat))),
  trim_rake = list(upper = upper, lower = lower, rounds = rounds,
                   weights = unname(w_trim_rake)),
  estimates = list(
    unweighted = estimates_for(strat$one, "1 for every school"),
    design = estimates_for(strat$pw, "design weights pw"),
    raked = estimates_for(w_rake, "rake_strat weights"),
    trimmed_raked = estimates_for(w_trim_rake, "trim_rake weights")
  )
)
write_json(out, file.path(outdir, "survey_reference.json"), auto_unbox = TRUE, digits = NA,
           pretty = TRUE)
cat("rounds:", rounds, " range raked:", range(w_rake), " range trimmed:", range(w_trim_rake), "\n")
