"""Where rules come from: the sources their rationales cite, named once."""

from __future__ import annotations

ZINK = "Zinkevich, Rules of Machine Learning"
BRECK17 = "Breck et al., The ML Test Score (IEEE Big Data 2017)"
BRECK19 = "Breck et al., Data Validation for Machine Learning (SysML 2019)"
SCULLEY = "Sculley et al., Hidden Technical Debt in ML Systems (NeurIPS 2015)"
LAKK17 = "Lakkaraju et al., The Selective Labels Problem (KDD 2017)"
WAF = "AWS Well-Architected reliability pillar"
MLLENS = "AWS Well-Architected Machine Learning Lens"
GCP = "Google Cloud, MLOps: continuous delivery and automation pipelines in ML"
KUBESCORE = "kube-score checks"
SRE_OVERLOAD = (
    "Beyer et al., Site Reliability Engineering, ch. 21 Handling Overload (O'Reilly 2016)"
)
SRE_CANARY = (
    "Beyer et al., The Site Reliability Workbook, ch. 16 Canarying Releases (O'Reilly 2018)"
)
