#!/usr/bin/env Rscript
## Reference values for tests/test_pooling_metafor.py, computed with metafor.
##
## Run from the repository root:   Rscript tests/reference/metafor/make_reference.R
## Needs R and metafor (Debian bookworm: r-base-core, r-cran-metafor 3.8-1).
## Reads tests/reference/metafor/*.csv and writes one JSON per data set and
## effect measure next to this script; each JSON records the R and metafor
## versions used.  R is NOT needed to run the Python tests.
##
## Choices, so that metafor computes the same quantities as analysis/pooling.py:
## * iterative tau^2 estimators are converged tightly (metafor's defaults stop
##   at a change < 1e-5 for REML and a uniroot tol of ~1.2e-4 for PM):
##   control = list(threshold = 1e-12, tol = 1e-12, maxiter = 1000)
## * ci "wald" = test "z", "hk" = test "knha", "hk-adhoc" = test "adhoc"
##   (metafor >= 3.0 has test = "adhoc": HK variance never below the Wald one)
## * Q-profile CI of tau^2: confint(), tol 1e-12 and tau2.max = 1e6 (metafor
##   caps the upper bound at max(100, 10 tau^2) by default; we do not cap)
## * prediction interval: analysis.pooling uses Higgins, Thompson &
##   Spiegelhalter (2009): mu +/- t(k-2) sqrt(tau^2 + SE_wald^2).  metafor's
##   predict() by default uses the model's critical value and SE (z and SE_wald
##   for test = "z"; t(k-1) and SE_hk for test = "knha"), so it is recorded
##   as pi_*_metafor_default for documentation only.  The HTS interval is
##   computed by hand below (pi_low/pi_high) and cross-checked against
##   predict(<test = "z" fit>, pi.type = "riley"), which is the same formula.
## * I^2: "i2" is the Q-based max(0, (Q - df)/Q) * 100 computed by hand;
##   "i2_metafor"/"h2_metafor" are metafor's tau^2-based values.
## * escalc() defaults: add = 1/2, to = "only0", drop00 = FALSE, vtype = "LS".

suppressMessages(library(metafor))

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "tests/reference/metafor"

## ---------------------------------------------------------------- JSON writer
num <- function(x) {
  if (length(x) == 0) return("[]")
  s <- ifelse(is.na(x), "null",
              ifelse(is.infinite(x), "null", sprintf("%.17g", x)))
  s
}
to_json <- function(x, indent = "") {
  ind2 <- paste0(indent, "  ")
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      items <- vapply(names(x), function(n)
        paste0(ind2, '"', n, '": ', to_json(x[[n]], ind2)), "")
      return(paste0("{\n", paste(items, collapse = ",\n"), "\n", indent, "}"))
    }
    items <- vapply(x, function(e) paste0(ind2, to_json(e, ind2)), "")
    return(paste0("[\n", paste(items, collapse = ",\n"), "\n", indent, "]"))
  }
  if (is.character(x) || is.factor(x)) {
    x <- as.character(x)
    s <- paste0('"', gsub('"', '\\\\"', x), '"')
    if (length(x) == 1 && is.null(attr(x, "array"))) return(s)
    return(paste0("[", paste(s, collapse = ", "), "]"))
  }
  if (is.logical(x) && length(x) == 1) return(if (is.na(x)) "null" else tolower(as.character(x)))
  s <- num(as.numeric(x))
  if (length(x) == 1 && is.null(attr(x, "array"))) return(s)
  paste0("[", paste(s, collapse = ", "), "]")
}
as_array <- function(x) { attr(x, "array") <- TRUE; x }

ctrl <- list(threshold = 1e-12, tol = 1e-12, maxiter = 1000)
ci_to_test <- c(wald = "z", hk = "knha", "hk-adhoc" = "adhoc")

## ---------------------------------------------------------------- one fit
fit_record <- function(yi, vi, method, ci) {
  k <- length(yi)
  res <- rma(yi, vi, method = method, test = ci_to_test[[ci]], control = ctrl)
  tau2 <- res$tau2
  se_wald <- sqrt(1 / sum(1 / (vi + tau2)))
  mu <- as.numeric(coef(res))
  rec <- list(
    method = method, ci = ci, test = ci_to_test[[ci]], k = k,
    estimate = mu, se = as.numeric(res$se), se_wald = se_wald,
    ci_low = as.numeric(res$ci.lb), ci_high = as.numeric(res$ci.ub),
    stat = as.numeric(res$zval), p = as.numeric(res$pval),
    tau2 = tau2, q = res$QE, q_p = res$QEp,
    i2 = if (k > 1) max(0, (res$QE - (k - 1)) / res$QE) * 100 else NA,
    h2 = if (k > 1) res$QE / (k - 1) else NA,
    i2_metafor = res$I2, h2_metafor = res$H2
  )
  ## Q-profile CI for tau^2 (same for every method: depends on yi, vi only)
  fit_re <- if (method == "EE") rma(yi, vi, method = "REML", control = ctrl) else res
  cf <- try(confint(fit_re, control = list(tol = 1e-12, tau2.max = 1e6)), silent = TRUE)
  if (!inherits(cf, "try-error")) {
    rec$tau2_ci_low <- cf$random["tau^2", "ci.lb"]
    rec$tau2_ci_high <- cf$random["tau^2", "ci.ub"]
  } else {
    rec$tau2_ci_low <- NA; rec$tau2_ci_high <- NA
  }
  ## prediction intervals
  if (k >= 3) {
    crit <- qt(0.975, df = k - 2)
    rec$pi_low <- mu - crit * sqrt(tau2 + se_wald^2)   # HTS, by hand
    rec$pi_high <- mu + crit * sqrt(tau2 + se_wald^2)
    res_z <- rma(yi, vi, method = method, test = "z", control = ctrl)
    pr <- predict(res_z, pi.type = "riley")
    ## (metafor gives no prediction interval for EE models: recorded as null)
    or_na <- function(x) if (length(x)) as.numeric(x) else NA
    rec$pi_low_riley <- or_na(pr$pi.lb)
    rec$pi_high_riley <- or_na(pr$pi.ub)
    pd <- predict(res)
    rec$pi_low_metafor_default <- or_na(pd$pi.lb)
    rec$pi_high_metafor_default <- or_na(pd$pi.ub)
  } else {
    rec$pi_low <- NA; rec$pi_high <- NA
  }
  rec
}

versions <- list(
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  generated_by = "tests/reference/metafor/make_reference.R"
)

write_reference <- function(name, input, measure, es, extra = list()) {
  fits <- list()
  for (method in c("EE", "DL", "PM", "REML")) {
    for (ci in names(ci_to_test)) {
      fits[[length(fits) + 1]] <- fit_record(es$yi, es$vi, method, ci)
    }
  }
  out <- c(versions, list(
    dataset = name, input = input, measure = measure,
    escalc = list(yi = as_array(as.numeric(es$yi)), vi = as_array(as.numeric(es$vi))),
    fits = fits), extra)
  path <- file.path(here, paste0(name, "_", measure, ".json"))
  writeLines(to_json(out), path)
  cat("wrote", path, "\n")
}

rd <- function(f) read.csv(file.path(here, f), stringsAsFactors = FALSE, check.names = FALSE)

## ---------------------------------------------------------------- proportions (one study at 100 %)
d <- rd("plo_100pct.csv")
es <- escalc(measure = "PLO", xi = events, ni = n, data = d)
pr <- escalc(measure = "PR", xi = events, ni = n, data = d)
write_reference("plo_100pct", "plo_100pct.csv", "PLO", es,
                list(escalc_pr = list(yi = as_array(as.numeric(pr$yi)), vi = as_array(as.numeric(pr$vi)))))

## ---------------------------------------------------------------- binary with zero cells (incl. a double-zero study; drop00 = FALSE)
d <- rd("binary_zero.csv")
for (m in c("RR", "OR")) {
  es <- escalc(measure = m, ai = e1, n1i = n1, ci = e2, n2i = n2, data = d)
  write_reference("binary_zero", "binary_zero.csv", m, es)
}

## ---------------------------------------------------------------- BCG (dat.bcg), with subgroup, leave-one-out and Egger references
d <- rd("bcg.csv")
for (m in c("RR", "OR")) {
  es <- escalc(measure = m, ai = e1, n1i = n1, ci = e2, n2i = n2, data = d)
  extra <- list()
  if (m == "RR") {
    ## leave-one-out, REML + knha
    res <- rma(yi, vi, data = es, method = "REML", test = "knha", control = ctrl)
    l1 <- leave1out(res)
    extra$leave1out_reml_hk <- list(estimate = as_array(l1$estimate), se = as_array(l1$se),
                                    ci_low = as_array(l1$ci.lb), ci_high = as_array(l1$ci.ub),
                                    tau2 = as_array(l1$tau2), q = as_array(l1$Q))
    ## subgroups by allocation, separate tau^2 (REML, Wald SE), test for differences
    grp <- d$group
    fits <- lapply(unique(grp), function(g)
      rma(yi, vi, data = es, subset = grp == g, method = "REML", control = ctrl))
    est <- sapply(fits, function(f) as.numeric(coef(f)))
    se <- sapply(fits, function(f) f$se)
    between <- rma(est, sei = se, method = "EE")
    extra$subgroup_reml_wald <- list(groups = as_array(unique(grp)), estimate = as_array(est),
                                     se = as_array(se), tau2 = as_array(sapply(fits, function(f) f$tau2)),
                                     q_between = between$QE, df = length(est) - 1, p = between$QEp)
    ## Egger's regression test (classical: metafor regtest model = "lm", predictor = "sei")
    eg <- regtest(es$yi, es$vi, model = "lm", predictor = "sei")
    extra$egger <- list(stat = eg$zval, p = eg$pval, df = eg$dfs)
  }
  write_reference("bcg", "bcg.csv", m, es, extra)
}

## ---------------------------------------------------------------- continuous (dat.normand1999, raw group SDs)
d <- rd("normand1999.csv")
for (m in c("MD", "SMD")) {
  es <- escalc(measure = m, m1i = m1, sd1i = sd1, n1i = n1, m2i = m2, sd2i = sd2, n2i = n2,
               data = d, vtype = "LS")
  write_reference("normand1999", "normand1999.csv", m, es)
}

## ---------------------------------------------------------------- homogeneous (tau^2 must be 0) and two studies
d <- rd("homogeneous.csv")
write_reference("homogeneous", "homogeneous.csv", "GEN", list(yi = d$yi, vi = d$vi))
d <- rd("two_studies.csv")
write_reference("two_studies", "two_studies.csv", "GEN", list(yi = d$yi, vi = d$vi))

## ---------------------------------------------------------------- Mantel-Haenszel (rma.mh), for tests/test_mh_metafor.py
## rma.mh() is used with its defaults: add = c(1/2, 0), to = c("only0", "none"),
## drop00 = c(TRUE, FALSE), i.e. the MH estimate from the counts as they are, and the
## yi/vi behind QE with 1/2 added to the cells of studies with a zero cell and studies
## with no (or only) events in both arms dropped.  Wald CI, z test.
## The files go to the subfolder mh/, because the rma.uni tests read every *.json in
## this folder and expect their layout.  NB: the mh/*.json files in the repository were
## copied by hand from metafor's own unit tests (R could not be installed where they were
## made; see their "source" field), to 4 decimals ("decimals": 4).  Running this section
## overwrites them with full-precision values ("decimals": null); the tests accept both.
mh_dir <- file.path(here, "mh")
dir.create(mh_dir, showWarnings = FALSE)

mh_fit <- function(d, measure, level = 95, metafor_test = NA, ...) {
  res <- rma.mh(measure = measure, ai = d$e1, n1i = d$n1, ci = d$e2, n2i = d$n2, level = level, ...)
  extra <- list(...)
  call <- sprintf('rma.mh(measure = "%s", ai = e1, n1i = n1, ci = e2, n2i = n2, data = d%s%s)', measure,
                  if (level != 95) paste0(", level = ", level) else "",
                  if (length(extra)) paste0(", ", paste(names(extra), "=", sapply(extra, deparse), collapse = ", ")) else "")
  rec <- list(call = call, measure = measure, level = level / 100, metafor_test = metafor_test,
              values = list(beta = as.numeric(res$beta), ci.lb = res$ci.lb, ci.ub = res$ci.ub,
                            zval = res$zval, QE = res$QE, QEp = res$QEp, k = res$k, k.yi = res$k.yi))
  if (measure != "RD") {
    pr <- predict(res, transf = exp)
    rec$values_exp <- list(pred = as.numeric(pr$pred), ci.lb = as.numeric(pr$ci.lb), ci.ub = as.numeric(pr$ci.ub))
  }
  rec
}

mh_header <- function(dataset, input) {
  c(list(source = "computed by tests/reference/metafor/make_reference.R (rma.mh section)"),
    versions, list(decimals = NA, dataset = dataset, input = input))
}

## BCG (dat.bcg): the values also pinned in metafor's tests/testthat/test_misc_metan_vs_rma.mh_with_dat.bcg.r
d <- rd("bcg.csv")
tmb <- "tests/testthat/test_misc_metan_vs_rma.mh_with_dat.bcg.r"
out <- c(mh_header("bcg", "bcg.csv"), list(fits = list(
  mh_fit(d, "RR", metafor_test = paste0(tmb, ":11-25")),
  mh_fit(d, "OR", metafor_test = paste0(tmb, ":33-47")),
  mh_fit(d, "RD", metafor_test = paste0(tmb, ":55-61")))))
writeLines(to_json(out), file.path(mh_dir, "mh_bcg.json"))
cat("wrote", file.path(mh_dir, "mh_bcg.json"), "\n")

## Rothman, Greenland & Lash (2008), Modern Epidemiology, 3rd ed., ch. 15: Table 15-1 (rothman2008.csv)
## and Table 15-5 (inline); metafor's tests/testthat/test_analysis_example_rothman2008.r
d <- rd("rothman2008.csv")
tmr <- "tests/testthat/test_analysis_example_rothman2008.r"
d155 <- data.frame(study = c("<35", "35+"), e1 = c(3, 1), n1 = c(3 + 9, 1 + 3), e2 = c(104, 5), n2 = c(104 + 1059, 5 + 86),
                   stringsAsFactors = FALSE)
out <- c(mh_header("rothman2008", "rothman2008.csv"), list(
  fits = list(
    mh_fit(d, "RD", level = 90, metafor_test = paste0(tmr, ":92-99")),
    mh_fit(d, "RR", level = 90, metafor_test = paste0(tmr, ":102-112")),
    mh_fit(d, "OR", level = 90, metafor_test = paste0(tmr, ":115-131"), correct = FALSE)),
  table_15_5 = list(
    study = as_array(d155$study), e1 = as_array(d155$e1), n1 = as_array(d155$n1),
    e2 = as_array(d155$e2), n2 = as_array(d155$n2),
    fits = list(mh_fit(d155, "OR", level = 90, metafor_test = paste0(tmr, ":346-361"), correct = FALSE)))))
writeLines(to_json(out), file.path(mh_dir, "mh_rothman2008.json"))
cat("wrote", file.path(mh_dir, "mh_rothman2008.json"), "\n")
