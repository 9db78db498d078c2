#!/usr/bin/env node
// A source file that exists before the build, so npm links the bin on a fresh install.
import "../dist/cli.js";
