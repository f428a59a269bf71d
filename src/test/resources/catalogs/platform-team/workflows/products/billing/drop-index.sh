#!/bin/sh
echo "dropped index $1"
