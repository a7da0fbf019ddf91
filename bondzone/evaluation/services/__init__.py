"""Writes of the zone evaluation, by subject: frameworks (structure, weights, settings), zones and their areas,
base data values, runs (with their sensitivity and reproduction) and rectification. Each service checks the
actor's permission, validates with the pure rules in domain/, writes in one durable transaction and records an
audit row in it.

An evaluation run is frozen: the framework snapshot, the parameters and every input value (with its
revision) are stored with the run, and `reproduce_run` recomputes from them and compares hashes.
"""

from .frameworks import (
    INDICATOR_EDITABLE, NEW_NODE_KINDS, NODE_FIELDS, add_node, clone_framework, edit_framework, install_framework,
    node_from_json, node_of, node_to_json, remove_node, set_weights, to_domain, update_indicator, update_settings,
)
from .zones import ZONE_FIELDS, save_zone, set_area, writable_zone
from .values import OFFICIAL_SOURCES, compute_platform_values, import_values, platform_figures, record_value
from .runs import (
    AREA_SERIES, DEFAULT_SENSITIVITY_DRAWS, MAX_DRAWS, MAX_SENSITIVITY_DRAWS, MC_VERSION, MIN_SENSITIVITY_DRAWS,
    compute, create_run, gather_inputs, params_from_json, publish_run, reproduce_run, result_hash, run_assumptions,
    run_sensitivity, sensitivity_json, sensitivity_reproduces, store_sensitivity, treatments_json,
)
from .rectification import RECTIFICATION_WORKDAYS, open_rectification
from .runs import Sensitivity

__all__ = [
    "AREA_SERIES",
    "DEFAULT_SENSITIVITY_DRAWS",
    "INDICATOR_EDITABLE",
    "MAX_DRAWS",
    "MAX_SENSITIVITY_DRAWS",
    "MC_VERSION",
    "MIN_SENSITIVITY_DRAWS",
    "NEW_NODE_KINDS",
    "NODE_FIELDS",
    "OFFICIAL_SOURCES",
    "RECTIFICATION_WORKDAYS",
    "Sensitivity",
    "ZONE_FIELDS",
    "add_node",
    "clone_framework",
    "compute",
    "compute_platform_values",
    "create_run",
    "edit_framework",
    "gather_inputs",
    "import_values",
    "install_framework",
    "node_from_json",
    "node_of",
    "node_to_json",
    "open_rectification",
    "params_from_json",
    "platform_figures",
    "publish_run",
    "record_value",
    "remove_node",
    "reproduce_run",
    "result_hash",
    "run_assumptions",
    "run_sensitivity",
    "save_zone",
    "sensitivity_json",
    "sensitivity_reproduces",
    "set_area",
    "set_weights",
    "store_sensitivity",
    "to_domain",
    "treatments_json",
    "update_indicator",
    "update_settings",
    "writable_zone",
]
