"""Pure rules of the gate (卡口): slip types, binding, the gate decision, inspection selection."""
