@echo off
chcp 65001 >nul
setlocal
rem workbook_tools: drag one or more workbooks onto this file to get a marked copy of
rem each ("<name>.已校验.xlsx" beside it); runs "wbt check --mark" per workbook. Needs no
rem macros, so it also serves WPS users and PCs without the Excel add-in.
rem Saved as UTF-8 without BOM and with CRLF line ends (chcp 65001 above reads it so).
title 预算公开表校验
set "WBT="
where wbt >nul 2>nul && (set "WBT=wbt")
if not defined WBT (
  where py >nul 2>nul && (set "WBT=py -3 -m workbook_tools")
)
if not defined WBT set "WBT=python -m workbook_tools"
%WBT% sets >nul 2>nul
if errorlevel 1 goto missing
if "%~1"=="" goto usage

:next
if "%~1"=="" goto done
echo.
echo ==== %~nx1 ====
%WBT% check --mark "%~1"
if errorlevel 2 echo 未能校验此文件，原因见上。
shift
goto next

:usage
echo 用法：把一个或多个预算公开表工作簿（.xlsx）拖到本文件的图标上松开。
echo 每个工作簿会在同一文件夹中得到一份标注副本「原名.已校验.xlsx」，原文件不改动。
goto done

:missing
echo 找不到 workbook_tools：请先按 macros\README.md 的第一、二步安装 Python 和 workbook_tools。

:done
echo.
pause
